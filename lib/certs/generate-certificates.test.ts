import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { isRekeyError, type RekeyError } from '@/lib/errors';
import { certificateMatchesKey } from '@/lib/certs/certificate-matches-key';
import { createCsr } from '@/lib/certs/create-csr';
import { createSelfSignedCertificate } from '@/lib/certs/create-self-signed-certificate';
import { exportPfx } from '@/lib/certs/export-pfx';
import { generateKeyPair } from '@/lib/certs/generate-key-pair';
import { matchIssuedCertificate } from '@/lib/certs/match-issued-certificate';
import { parseCertificateInput } from '@/lib/certs/parse-certificate-input';
import { validateForEntra } from '@/lib/certs/validate-for-entra';
import { buildChain, openSslDir, testKeyPem, type OpenSslDir } from '@/lib/testing/certs';

const now = new Date('2026-06-01T12:00:00Z');
let ssl: OpenSslDir;
beforeAll(() => {
  ssl = openSslDir();
});
afterAll(() => ssl.cleanup());

async function rejected(p: Promise<unknown> | (() => unknown)): Promise<RekeyError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isRekeyError(e)) return e;
    throw e;
  }
  throw new Error('expected a RekeyError');
}

describe('generateKeyPair', () => {
  it.each([2048, 3072])('makes an RSA %i key pair in PKCS#8', async (bits) => {
    const pair = await generateKeyPair(bits);
    expect(pair.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(pair.publicKeyPem).toContain('-----BEGIN PUBLIC KEY-----');
  });

  it.each([1024, 2047, 8192])('refuses %i bits', async (bits) => {
    expect((await rejected(generateKeyPair(bits))).message).toMatch(/choose 2048, 3072 or 4096 bits/);
  });
});

describe('generate → export → parse round trips', () => {
  const cases: [number, number][] = [
    [2048, 1],
    [2048, 365],
    [3072, 90],
    [4096, 730],
  ];
  it.each(cases)('RSA %i for %i days survives PEM and AES-256 PFX, and OpenSSL agrees', async (bits, days) => {
    const made = await createSelfSignedCertificate({ subject: `CN=rt-${bits}-${days}, O=Contoso`, days, bits, now });
    expect(made.facts).toMatchObject({
      keyType: 'RSA',
      keySize: bits,
      notBefore: now,
      notAfter: new Date(now.getTime() + days * 86_400_000),
      selfSigned: true,
      signatureAlgorithm: 'sha256WithRSAEncryption',
    });
    expect(validateForEntra(made.facts, { now, privateKeyPem: made.keyPem }).errors).toEqual([]);

    const fromPem = parseCertificateInput({ data: made.certPem + made.keyPem });
    expect(fromPem.leaf.sha1Thumbprint).toBe(made.facts.sha1Thumbprint);

    const pfx = exportPfx({ certPem: made.certPem, keyPem: made.keyPem, password: 'admin-chosen pw' });
    const fromPfx = parseCertificateInput({ data: pfx, filename: 'out.pfx', password: 'admin-chosen pw' });
    expect(fromPfx.leaf.sha256Thumbprint).toBe(made.facts.sha256Thumbprint);
    expect(fromPfx.privateKey?.pem).toBe(made.keyPem);

    ssl.write('rt.pfx', pfx);
    const info = ssl.run(['pkcs12', '-in', 'rt.pfx', '-passin', 'pass:admin-chosen pw', '-nokeys', '-clcerts']);
    ssl.write('rt.pem', info);
    const fp = ssl
      .run(['x509', '-in', 'rt.pem', '-noout', '-fingerprint', '-sha1'])
      .trim()
      .split('=')[1]!
      .replace(/:/g, '');
    expect(fp).toBe(made.facts.sha1Thumbprint);
  });

  it('writes the PFX with AES-256-CBC', () => {
    const chain = buildChain();
    const pfx = exportPfx({
      certPem: chain.leaf.pem,
      keyPem: chain.leaf.keyPem,
      chainPems: [chain.intermediate.pem, chain.root.pem],
      password: 'longenough',
    });
    ssl.write('aes.pfx', pfx);
    const r = spawnSync(
      'openssl',
      ['pkcs12', '-in', ssl.path('aes.pfx'), '-info', '-noout', '-passin', 'pass:longenough'],
      { encoding: 'utf8' },
    );
    expect(`${r.stdout}${r.stderr}`).toMatch(/PBES2, PBKDF2, AES-256-CBC/);
    expect(parseCertificateInput({ data: pfx, password: 'longenough' }).chain).toHaveLength(2);
  });

  it.each([
    ['a short PFX password', { password: 'short' }, /at least 8 characters/],
    [
      "a key that is not the certificate's",
      { keyPem: testKeyPem({ slot: 11 }) },
      /does not belong to this certificate/,
    ],
  ])('exportPfx refuses %s', async (_name, override, message) => {
    const made = await createSelfSignedCertificate({ subject: 'CN=x', days: 30, keyPem: testKeyPem(), now });
    expect(
      (
        await rejected(() =>
          exportPfx({ certPem: made.certPem, keyPem: made.keyPem, password: 'longenough', ...override }),
        )
      ).message,
    ).toMatch(message);
  });

  it.each([
    ['no CN', { subject: 'O=Contoso' }, /needs a common name/],
    ['an unknown attribute', { subject: 'CN=x, FOO=bar' }, /"FOO" is not supported/],
    ['a bad country', { subject: 'CN=x, C=Netherlands' }, /two-letter code/],
    ['zero days', { days: 0 }, /between 1 and 3650/],
    ['a 1024-bit key', { keyPem: testKeyPem({ bits: 1024 }) }, /at least 2048 bits/],
    ['an EC key', { keyPem: testKeyPem({ keyType: 'EC' }) }, /only makes RSA certificates/],
  ])('createSelfSignedCertificate refuses %s', async (_name, override, message) => {
    const e = await rejected(
      createSelfSignedCertificate({ subject: 'CN=ok', days: 30, keyPem: testKeyPem(), now, ...override }),
    );
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(message);
  });
});

describe('CSR for the vendor CA, then import of the issued certificate', () => {
  it('makes a CSR OpenSSL verifies, and matches the certificate the CA issues to the pending key', async () => {
    const { csrPem, keyPem } = await createCsr({
      subject: 'CN=contoso-connector, O=Contoso, C=NL',
      keyPem: testKeyPem({ slot: 21 }),
    });
    ssl.write('req.csr', csrPem);
    expect(ssl.run(['req', '-in', 'req.csr', '-noout', '-verify', '-subject', '-nameopt', 'RFC2253'])).toMatch(
      /subject=CN=contoso-connector,O=Contoso,C=NL/,
    );

    const { intermediate } = buildChain();
    ssl.write('ca.pem', intermediate.pem);
    ssl.write('ca.key', intermediate.keyPem);
    ssl.run([
      'x509',
      '-req',
      '-in',
      'req.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '4660',
      '-days',
      '365',
      '-sha256',
      '-out',
      'issued.pem',
    ]);
    const issued = ssl.read('issued.pem');

    const matched = matchIssuedCertificate(issued, keyPem, { filename: 'issued.pem' });
    expect(matched.facts).toMatchObject({
      subject: 'CN=contoso-connector, O=Contoso, C=NL',
      serialNumber: '1234',
      issuer: 'CN=Rekey Test Issuing CA, O=Rekey Tests',
    });
    expect(certificateMatchesKey(matched.facts.pem, keyPem)).toBe(true);

    const e = await rejected(() =>
      matchIssuedCertificate(issued, testKeyPem({ slot: 22 }), { filename: 'issued.pem' }),
    );
    expect(e.details).toMatchObject({ reason: 'KEY_MISMATCH' });
    expect(e.message).toMatch(/^"issued\.pem": was issued for a different key than the pending request's key/);
  });

  it('generates a new key for the CSR when none is given', async () => {
    const { csrPem, keyPem } = await createCsr({ subject: 'CN=fresh' });
    expect(csrPem).toContain('BEGIN CERTIFICATE REQUEST');
    expect(keyPem).toContain('BEGIN PRIVATE KEY');
  });
});
