import { describe, expect, it } from 'vitest';
import { isRekeyError } from '@/lib/errors';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { requireValidCertificate, validateForEntra, type CertIssueCode } from '@/lib/certs/validate-for-entra';
import { buildCert, buildChain, testKeyPem, type BuildCertOptions } from '@/lib/testing/certs';

const now = new Date('2026-06-01T12:00:00Z');
const facts = (opts: BuildCertOptions = {}) => certificateFactsFromDer(buildCert(opts).der);

describe('validateForEntra', () => {
  const cases: [string, BuildCertOptions, { errors: CertIssueCode[]; warnings?: CertIssueCode[]; message?: RegExp }][] =
    [
      ['accepts a current RSA 2048 SHA-256 certificate', {}, { errors: [], warnings: [] }],
      ['accepts RSA 4096', { bits: 4096 }, { errors: [] }],
      [
        'refuses an expired certificate',
        { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2026-05-01T00:00:00Z') },
        {
          errors: ['EXPIRED'],
          message: /^"vendor\.cer": the certificate expired on 2026-05-01\. Generate a new certificate/,
        },
      ],
      ['refuses a certificate that expires at this very moment', { notAfter: now }, { errors: ['EXPIRED'] }],
      [
        'refuses a certificate that is not valid yet',
        { notBefore: new Date('2026-07-01T00:00:00Z'), notAfter: new Date('2027-07-01T00:00:00Z') },
        {
          errors: ['NOT_YET_VALID'],
          message:
            /"vendor\.cer": the certificate is not valid until 2026-07-01T00:00:00\.000Z\. Wait until then, or check the clock/,
        },
      ],
      [
        'refuses RSA 1024',
        { bits: 1024 },
        {
          errors: ['RSA_TOO_SMALL'],
          message: /"vendor\.cer": the RSA key has 1024 bits; Entra ID refuses keys below 2048 bits \(AADSTS700027\)/,
        },
      ],
      [
        'refuses a SHA-1 signature',
        { signatureAlgorithm: 'sha1' },
        {
          errors: ['WEAK_SIGNATURE'],
          message:
            /signed with sha1WithRSAEncryption; SHA-1 and MD5 signatures can be forged\. Reissue it with SHA-256/,
        },
      ],
      [
        'refuses an MD5 signature',
        { signatureAlgorithm: 'md5' },
        { errors: ['WEAK_SIGNATURE'], message: /signed with md5WithRSAEncryption/ },
      ],
      [
        'refuses an EC certificate because MSAL signs PS256 with RSA',
        { keyType: 'EC' },
        {
          errors: ['EC_NOT_SUPPORTED_BY_MSAL'],
          message: /elliptic-curve key \(P-256\).*MSAL as PS256, which needs an RSA key/,
        },
      ],
      [
        'refuses an EC certificate signed with SHA-1 for both reasons',
        { keyType: 'EC', signatureAlgorithm: 'sha1' },
        { errors: ['EC_NOT_SUPPORTED_BY_MSAL', 'WEAK_SIGNATURE'] },
      ],
      [
        'lists every problem of an expired 1024-bit SHA-1 certificate in fixing order',
        { bits: 1024, signatureAlgorithm: 'sha1', notAfter: new Date('2026-02-01T00:00:00Z') },
        { errors: ['EXPIRED', 'RSA_TOO_SMALL', 'WEAK_SIGNATURE'] },
      ],
      [
        'warns when the certificate expires within 30 days',
        { notAfter: new Date('2026-06-15T00:00:00Z') },
        { errors: [], warnings: ['EXPIRES_SOON'], message: /expires on 2026-06-15, in 14 days/ },
      ],
      [
        'warns about a lifetime over two years',
        { notAfter: new Date('2029-01-01T00:00:00Z') },
        { errors: [], warnings: ['LONG_LIFETIME'] },
      ],
      [
        'does not warn about a self-signed CA:TRUE certificate on its own (what `openssl req -x509` makes)',
        { isCA: true, slot: 3 },
        { errors: [], warnings: [] },
      ],
    ];
  it.each(cases)('%s', (_name, opts, expected) => {
    const result = validateForEntra(facts(opts), { now, filename: 'vendor.cer' });
    expect(result.errors.map((e) => e.code)).toEqual(expected.errors);
    if (expected.warnings) expect(result.warnings.map((e) => e.code)).toEqual(expected.warnings);
    expect(result.ok).toBe(expected.errors.length === 0);
    if (expected.message) expect([...result.errors, ...result.warnings][0]?.message).toMatch(expected.message);
  });

  it('warns about a CA certificate only when it issued another certificate uploaded with it', () => {
    const { root, intermediate, leaf } = buildChain();
    const [rootF, intermediateF, leafF] = [root, intermediate, leaf].map((c) => certificateFactsFromDer(c.der));
    // The PFX's key was the intermediate CA's: it issued the leaf that came with it.
    const wrong = validateForEntra(intermediateF!, { now, filename: 'bundle.pfx', chain: [leafF!, rootF!] });
    expect(wrong.warnings.map((w) => w.code)).toContain('CA_CERTIFICATE');
    expect(wrong.warnings.find((w) => w.code === 'CA_CERTIFICATE')!.message).toMatch(
      /^"bundle\.pfx": the chosen certificate is a CA that issued "CN=.*" in the same file\./,
    );
    // The leaf with its chain, and a CA with unrelated certificates, are fine.
    expect(
      validateForEntra(leafF!, { now, chain: [intermediateF!, rootF!] }).warnings.map((w) => w.code),
    ).not.toContain('CA_CERTIFICATE');
    const selfSigned = facts({ isCA: true, slot: 3 });
    expect(validateForEntra(selfSigned, { now, chain: [leafF!] }).warnings.map((w) => w.code)).not.toContain(
      'CA_CERTIFICATE',
    );
  });

  it('accepts a certificate together with its own key', () => {
    const cert = buildCert();
    expect(validateForEntra(certificateFactsFromDer(cert.der), { now, privateKeyPem: cert.keyPem }).errors).toEqual([]);
  });

  it('refuses a certificate given with another key', () => {
    const result = validateForEntra(facts(), { now, filename: 'pair.pem', privateKeyPem: testKeyPem({ slot: 5 }) });
    expect(result.errors.map((e) => e.code)).toEqual(['KEY_MISMATCH']);
    expect(result.errors[0]?.message).toMatch(
      /^"pair\.pem": the certificate \(SHA-1 [0-9A-F]{40}\) does not belong to the private key given with it/,
    );
  });

  it('validates a CA-issued leaf without complaint', () => {
    expect(validateForEntra(certificateFactsFromDer(buildChain().leaf.der), { now }).ok).toBe(true);
  });

  it('names "the uploaded input" when there is no filename', () => {
    expect(validateForEntra(facts({ bits: 1024 }), { now }).errors[0]?.message).toMatch(
      /^the uploaded input: the RSA key has 1024 bits/,
    );
  });
});

describe('requireValidCertificate', () => {
  it('throws INVALID_CERTIFICATE with the first problem and all codes', () => {
    try {
      requireValidCertificate(facts({ bits: 1024, signatureAlgorithm: 'md5' }), { now, filename: 'weak.cer' });
      expect.unreachable();
    } catch (e) {
      if (!isRekeyError(e)) throw e;
      expect(e.code).toBe('INVALID_CERTIFICATE');
      expect(e.message).toMatch(/^"weak\.cer": the RSA key has 1024 bits.*\(and 1 more problem\)$/);
      expect(e.details).toMatchObject({
        reason: 'RSA_TOO_SMALL',
        issues: [{ code: 'RSA_TOO_SMALL' }, { code: 'WEAK_SIGNATURE' }],
      });
    }
  });

  it('returns the warnings of an acceptable certificate', () => {
    expect(
      requireValidCertificate(facts({ notAfter: new Date('2026-06-20T00:00:00Z') }), { now }).warnings.map(
        (w) => w.code,
      ),
    ).toEqual(['EXPIRES_SOON']);
  });
});
