import { describe, expect, it } from 'vitest';
import { isRekeyError } from '@/lib/errors';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { sha1ThumbprintFromCustomKeyIdentifier, toKeyCredential } from '@/lib/certs/to-key-credential';
import { buildCert } from '@/lib/testing/certs';

const cert = buildCert({
  subject: 'CN=contoso-connector, O=Vendor',
  notBefore: new Date('2026-01-01T08:30:00Z'),
  notAfter: new Date('2027-01-01T08:30:00Z'),
});
const facts = certificateFactsFromDer(cert.der);

describe('toKeyCredential', () => {
  it('maps a certificate to the keyCredential Graph expects', () => {
    expect(toKeyCredential(facts)).toEqual({
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
      key: cert.der.toString('base64'),
      customKeyIdentifier: Buffer.from(facts.sha1Thumbprint, 'hex').toString('base64'),
      displayName: 'CN=contoso-connector, O=Vendor',
      startDateTime: '2026-01-01T08:30:00Z',
      endDateTime: '2027-01-01T08:30:00Z',
    });
  });

  it('puts the 20 SHA-1 bytes in customKeyIdentifier as standard base64', () => {
    const id = toKeyCredential(facts).customKeyIdentifier;
    expect(Buffer.from(id, 'base64')).toHaveLength(20);
    expect(id).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(sha1ThumbprintFromCustomKeyIdentifier(id)).toBe(facts.sha1Thumbprint);
  });

  it.each([
    ['the documented Graph example', '2iD8ppbE+D6Kmu1ZvjM2jtQh88E=', 'DA20FCA696C4F83E8A9AED59BE33368ED421F3C1'],
    ['the same in base64url', '2iD8ppbE-D6Kmu1ZvjM2jtQh88E', 'DA20FCA696C4F83E8A9AED59BE33368ED421F3C1'],
    ['a hex string sent as binary (30 bytes, not a thumbprint)', '52ED9B5038A47B9E2E2190715CC238359D4F8F73', null],
    ['nothing', null, null],
  ])('reads customKeyIdentifier from %s', (_name, input, expected) => {
    expect(sha1ThumbprintFromCustomKeyIdentifier(input)).toBe(expected);
  });

  it('takes a display name and shortens it to 90 characters', () => {
    expect(toKeyCredential(facts, { displayName: 'Rekey 2026-06' }).displayName).toBe('Rekey 2026-06');
    const long = toKeyCredential(facts, { displayName: 'x'.repeat(120) }).displayName;
    expect(long).toHaveLength(90);
    expect(long.endsWith('…')).toBe(true);
  });

  it('accepts dates inside the validity and refuses dates outside it', () => {
    expect(toKeyCredential(facts, { endDateTime: new Date('2026-12-01T00:00:00Z') }).endDateTime).toBe(
      '2026-12-01T00:00:00Z',
    );
    try {
      toKeyCredential(facts, { endDateTime: new Date('2027-06-01T00:00:00Z') });
      expect.unreachable();
    } catch (e) {
      if (!isRekeyError(e)) throw e;
      expect(e.code).toBe('BAD_INPUT');
      expect(e.message).toMatch(/must lie within the certificate's validity.*KeyCredentialsInvalidEndDate/);
    }
  });
});
