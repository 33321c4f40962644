import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAddressMatcher } from '@/lib/detection/cidr';
import { toEvidence } from '@/lib/detection/scan-sign-ins';
import { parseThumbprint, signInCredentialThumbprint, signInUsedCredential } from '@/lib/graph/credential-thumbprint';

const der = Buffer.from('a certificate, for hashing only');
const sha1 = crypto.createHash('sha1').update(der).digest();
const sha256 = crypto.createHash('sha256').update(der).digest();
const SHA1 = sha1.toString('hex').toUpperCase();
const SHA256 = sha256.toString('hex').toUpperCase();
const colons = (b: Buffer) => b.toString('hex').match(/../g)!.join(':');
const KEY_ID = '6f7e1c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6';
const SECRET_KEY_ID = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';

describe('parseThumbprint', () => {
  it.each([
    ['uppercase hex', SHA1, 'sha1', SHA1],
    ['lowercase hex', SHA1.toLowerCase(), 'sha1', SHA1],
    ['hex with colons', colons(sha1), 'sha1', SHA1],
    ['hex with spaces', colons(sha1).replace(/:/g, ' ').toUpperCase(), 'sha1', SHA1],
    ['base64 (customKeyIdentifier style)', sha1.toString('base64'), 'sha1', SHA1],
    ['base64url without padding (x5t style)', sha1.toString('base64url'), 'sha1', SHA1],
    ['SHA-256 hex', SHA256.toLowerCase(), 'sha256', SHA256],
    ['SHA-256 with colons', colons(sha256), 'sha256', SHA256],
    ['SHA-256 base64url (x5t#S256 style)', sha256.toString('base64url'), 'sha256', SHA256],
  ])('%s', (_name, input, algorithm, hex) => {
    expect(parseThumbprint(input)).toEqual({ algorithm, hex });
  });

  it.each([[''], [null], ['not a thumbprint'], ['ABCD'], [Buffer.alloc(16).toString('base64')]])(
    '%o is no thumbprint',
    (v) => {
      expect(parseThumbprint(v)).toBeNull();
    },
  );
});

describe('signInUsedCredential', () => {
  const cred = { keyId: KEY_ID, sha1: SHA1, sha256: SHA256 };
  it('matches by keyId first, whatever the thumbprint says', () => {
    expect(
      signInUsedCredential(
        { servicePrincipalCredentialKeyId: KEY_ID.toUpperCase(), servicePrincipalCredentialThumbprint: 'garbled' },
        cred,
      ),
    ).toBe(true);
  });
  it.each([
    SHA1.toLowerCase(),
    colons(sha1),
    sha1.toString('base64'),
    sha1.toString('base64url'),
    SHA256,
    colons(sha256).toUpperCase(),
    sha256.toString('base64'),
  ])('then by thumbprint bytes: %s', (presented) => {
    expect(
      signInUsedCredential(
        { servicePrincipalCredentialKeyId: crypto.randomUUID(), servicePrincipalCredentialThumbprint: presented },
        cred,
      ),
    ).toBe(true);
  });
  it('does not match another credential', () => {
    const other = crypto.createHash('sha1').update('other').digest('hex');
    expect(
      signInUsedCredential(
        { servicePrincipalCredentialKeyId: crypto.randomUUID(), servicePrincipalCredentialThumbprint: other },
        cred,
      ),
    ).toBe(false);
    expect(signInUsedCredential({ servicePrincipalCredentialThumbprint: SHA256 }, { sha1: SHA1 })).toBe(false);
  });
});

describe('sign-in evidence (scan-sign-ins)', () => {
  const plan = {
    id: 'connector-1',
    compromised: new Set([SHA1]),
    known: [{ keyId: KEY_ID, sha1: SHA1, sha256: SHA256 }],
  };
  const signIn = (over: Record<string, unknown>) => ({
    id: crypto.randomUUID(),
    createdDateTime: '2026-06-01T00:00:00Z',
    appId: 'app',
    ipAddress: '198.51.100.7',
    ...over,
  });
  const vendor = createAddressMatcher(['198.51.100.0/24']);

  it.each([
    ['keyId only (no thumbprint in the log)', { servicePrincipalCredentialKeyId: KEY_ID }],
    ['a lowercase, colon-separated SHA-1', { servicePrincipalCredentialThumbprint: colons(sha1) }],
    ['a base64 SHA-1', { servicePrincipalCredentialThumbprint: sha1.toString('base64') }],
    ['a SHA-256', { servicePrincipalCredentialThumbprint: SHA256.toLowerCase() }],
    [
      'a keyId with a thumbprint in an unknown format',
      { servicePrincipalCredentialKeyId: KEY_ID, servicePrincipalCredentialThumbprint: 'x5t:???' },
    ],
  ])('stores a use of the compromised key identified by %s', (_name, fields) => {
    const e = toEvidence(plan, signIn(fields), vendor);
    expect(e).toMatchObject({ thumbprint: SHA1, classification: 'vendor' });
  });

  it('skips a clean vendor sign-in', () => {
    const clean = crypto.createHash('sha1').update('clean').digest('hex');
    expect(toEvidence(plan, signIn({ servicePrincipalCredentialThumbprint: clean }), vendor)).toBeNull();
  });

  it.each([
    ['clientSecret', 'stored', true],
    ['federatedIdentityCredential', 'stored', true],
    ['certificate', 'skipped', false],
    [null, 'skipped', false],
  ] as const)('a clean vendor sign-in with credential type %s is %s', (type, _word, kept) => {
    const clean = crypto.createHash('sha1').update('clean').digest('hex');
    const e = toEvidence(
      plan,
      signIn({
        clientCredentialType: type,
        servicePrincipalCredentialKeyId: SECRET_KEY_ID,
        servicePrincipalCredentialThumbprint: type === 'certificate' ? clean : null,
      }),
      vendor,
    );
    if (kept) expect(e).toMatchObject({ credentialType: type, keyId: SECRET_KEY_ID, classification: 'vendor' });
    else expect(e).toBeNull();
  });

  it('names the credential even when it is unknown (SHA-256 stays SHA-256)', () => {
    const unknown = crypto.createHash('sha256').update('unknown').digest();
    expect(
      signInCredentialThumbprint({ servicePrincipalCredentialThumbprint: unknown.toString('base64') }, plan.known),
    ).toEqual({ thumbprint: unknown.toString('hex').toUpperCase(), matched: false });
  });
});
