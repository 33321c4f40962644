import { describe, expect, it } from 'vitest';
import { chooseCredentialPath } from '@/lib/graph/choose-credential-path';
import { describeKeyCredential, keyCredentialFromPem } from '@/lib/graph/describe-key-credential';
import { buildCert } from '@/lib/testing/certs';

const now = new Date('2026-11-29T12:00:00Z');
const day = 86_400_000;
const current = buildCert({
  subject: 'CN=current',
  notBefore: new Date(now.getTime() - 30 * day),
  notAfter: new Date(now.getTime() + 300 * day),
  slot: 1,
});
const expired = buildCert({
  subject: 'CN=expired',
  notBefore: new Date(now.getTime() - 400 * day),
  notAfter: new Date(now.getTime() - day),
  slot: 2,
});
const longer = buildCert({
  subject: 'CN=longer',
  notBefore: new Date(now.getTime() - day),
  notAfter: new Date(now.getTime() + 700 * day),
  slot: 3,
});
const ec = buildCert({
  subject: 'CN=ec',
  keyType: 'EC',
  notBefore: new Date(now.getTime() - day),
  notAfter: new Date(now.getTime() + 100 * day),
});

const onObject = (...certs: { pem: string }[]) =>
  certs.map((c, i) => describeKeyCredential({ keyId: `k${i}`, ...keyCredentialFromPem(c.pem) }, 'application'));
const held = (...certs: { pem: string; keyPem: string }[]) =>
  certs.map((c) => ({ certificatePem: c.pem, privateKeyPem: c.keyPem }));

describe('chooseCredentialPath', () => {
  it.each([
    ['no keys held', onObject(current), [], 'patch', /no currently valid private key/],
    ['held key not on the object', onObject(current), held(longer), 'patch', /none of the private keys/],
    ['only an expired held credential', onObject(expired), held(expired), 'patch', /expired or not yet valid/],
    ['only a non-RSA held key', onObject(ec), held(ec), 'patch', /not RSA/],
    [
      'a valid held credential',
      onObject(current, expired),
      held(current, expired),
      'addKey',
      /Rekey holds the private key of the current credential \(thumbprint [0-9A-F]{40}, keyId k0\), valid until/,
    ],
  ] as const)('%s → %s', (_name, credentials, heldKeys, path, reason) => {
    const r = chooseCredentialPath({ credentials: [...credentials], heldKeys: [...heldKeys], now });
    expect(r.path).toBe(path);
    expect(r.reason).toMatch(reason);
  });

  it('prefers the signer that stays valid longest', () => {
    const r = chooseCredentialPath({ credentials: onObject(current, longer), heldKeys: held(current, longer), now });
    expect(r.path === 'addKey' && r.signer.certificatePem).toBe(longer.pem);
  });

  it('never signs with the credential being removed', () => {
    const r = chooseCredentialPath({
      credentials: onObject(current, longer),
      heldKeys: held(current, longer),
      now,
      excludeKeyIds: ['k1'],
    });
    expect(r.path === 'addKey' && r.signer.certificatePem).toBe(current.pem);
    expect(
      chooseCredentialPath({ credentials: onObject(current), heldKeys: held(current), now, excludeKeyIds: ['k0'] })
        .path,
    ).toBe('patch');
  });

  it('honours an explicit PATCH request', () => {
    expect(
      chooseCredentialPath({ credentials: onObject(current), heldKeys: held(current), now, prefer: 'patch' }),
    ).toEqual({ path: 'patch', reason: 'PATCH was requested explicitly' });
  });
});
