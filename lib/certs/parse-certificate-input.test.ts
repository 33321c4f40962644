import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { isRekeyError, type RekeyError } from '@/lib/errors';
import {
  parseCertificateInput,
  parsePrivateKeyInput,
  type CertificateInput,
} from '@/lib/certs/parse-certificate-input';
import {
  buildCert,
  buildChain,
  buildP7b,
  buildPfx,
  openSslDir,
  testKeyPem,
  type BuiltCert,
  type OpenSslDir,
} from '@/lib/testing/certs';

let ssl: OpenSslDir;
let cert: BuiltCert;
let chain: ReturnType<typeof buildChain>;
beforeAll(() => {
  ssl = openSslDir();
  cert = buildCert({ subject: 'CN=contoso-connector, O=Vendor\\, Inc, C=NL', dnsNames: ['connector.vendor.example'] });
  chain = buildChain();
});
afterAll(() => ssl.cleanup());

function thrown(fn: () => unknown): RekeyError {
  try {
    fn();
  } catch (e) {
    if (isRekeyError(e)) return e;
    throw e;
  }
  throw new Error('expected a RekeyError');
}

describe('parseCertificateInput: facts', () => {
  it('reports the thumbprints and serial OpenSSL reports for the same certificate', () => {
    const file = ssl.write('c.pem', cert.pem);
    const sha1 = ssl
      .run(['x509', '-in', file, '-noout', '-fingerprint', '-sha1'])
      .trim()
      .split('=')[1]!
      .replace(/:/g, '');
    const sha256 = ssl
      .run(['x509', '-in', file, '-noout', '-fingerprint', '-sha256'])
      .trim()
      .split('=')[1]!
      .replace(/:/g, '');
    const serial = ssl.run(['x509', '-in', file, '-noout', '-serial']).trim().split('=')[1]!;
    const facts = parseCertificateInput({ data: cert.pem }).leaf;
    expect(facts.sha1Thumbprint).toBe(sha1);
    expect(facts.sha256Thumbprint).toBe(sha256);
    expect(facts.serialNumber).toBe(serial);
    expect(Buffer.from(facts.x5t, 'base64url').toString('hex').toUpperCase()).toBe(sha1);
    expect(Buffer.from(facts.x5tS256, 'base64url').toString('hex').toUpperCase()).toBe(sha256);
  });

  it('reads names, SANs, validity, key, signature algorithm and flags', () => {
    const facts = parseCertificateInput({ data: cert.pem }).leaf;
    expect(facts).toMatchObject({
      subject: 'CN=contoso-connector, O=Vendor\\, Inc, C=NL',
      issuer: 'CN=contoso-connector, O=Vendor\\, Inc, C=NL',
      sans: ['DNS:connector.vendor.example'],
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      keyType: 'RSA',
      keySize: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      isCA: false,
      selfSigned: true,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
      derBase64: cert.der.toString('base64'),
    });
    expect(facts.pem).toBe(cert.pem);
  });

  it.each([
    [
      'an EC P-256 certificate',
      { keyType: 'EC' as const, curve: 'P-256' },
      { keyType: 'EC', curve: 'P-256', keySize: 256, signatureAlgorithm: 'ecdsa-with-SHA256' },
    ],
    [
      'an EC P-384 certificate',
      { keyType: 'EC' as const, curve: 'P-384' },
      { keyType: 'EC', curve: 'P-384', keySize: 384 },
    ],
    ['an RSA 3072 certificate', { bits: 3072 }, { keyType: 'RSA', keySize: 3072 }],
    [
      'a SHA-1 signed certificate',
      { signatureAlgorithm: 'sha1' as const },
      { signatureAlgorithm: 'sha1WithRSAEncryption' },
    ],
    [
      'an MD5 signed certificate',
      { signatureAlgorithm: 'md5' as const },
      { signatureAlgorithm: 'md5WithRSAEncryption' },
    ],
    [
      'a certificate valid past 2050 (GeneralizedTime)',
      { notAfter: new Date('2051-03-04T05:06:07Z') },
      { notAfter: new Date('2051-03-04T05:06:07Z') },
    ],
  ])('reads %s', (_name, opts, expected) => {
    expect(parseCertificateInput({ data: buildCert(opts).der }).leaf).toMatchObject(expected);
  });
});

describe('parseCertificateInput: formats', () => {
  const cases: [string, () => CertificateInput, string[]][] = [
    ['PEM', () => ({ data: Buffer.from(cert.pem) }), ['pem', 'certificate']],
    [
      'PEM with Windows line endings',
      () => ({ data: Buffer.from(cert.pem.replace(/\n/g, '\r\n')) }),
      ['pem', 'certificate'],
    ],
    ['PEM given as a string', () => ({ data: cert.pem }), ['pem', 'certificate']],
    [
      'PEM after a text preamble',
      () => ({ data: `Bag Attributes\n    friendlyName: connector\nsubject=CN = contoso\n${cert.pem}` }),
      ['pem', 'certificate'],
    ],
    [
      'PEM with a UTF-8 byte order mark',
      () => ({ data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(cert.pem)]) }),
      ['pem', 'certificate'],
    ],
    [
      'PEM saved as UTF-16 by PowerShell',
      () => ({ data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cert.pem, 'utf16le')]) }),
      ['utf16-text', 'pem', 'certificate'],
    ],
    ['DER (.cer)', () => ({ data: cert.der }), ['der', 'certificate']],
    [
      'base64 without headers, one line',
      () => ({ data: Buffer.from(cert.der.toString('base64')) }),
      ['base64', 'certificate'],
    ],
    [
      'base64 without headers, wrapped with CRLF',
      () => ({ data: cert.der.toString('base64').replace(/(.{64})/g, '$1\r\n') }),
      ['base64', 'certificate'],
    ],
    ['PKCS#7 (.p7b) DER', () => ({ data: buildP7b([cert]) }), ['der', 'pkcs7', 'certificate']],
    [
      'PKCS#7 (.p7b) PEM',
      () => ({ data: `-----BEGIN PKCS7-----\n${buildP7b([cert]).toString('base64')}\n-----END PKCS7-----\n` }),
      ['pem', 'pkcs7', 'certificate'],
    ],
    [
      'PFX (AES-256, node-forge)',
      () => ({ data: buildPfx({ cert, password: 'correct horse' }), password: 'correct horse' }),
      ['der', 'pkcs12', 'certificate'],
    ],
    [
      'PFX (3DES, legacy Windows)',
      () => ({ data: buildPfx({ cert, password: 'correct horse', algorithm: '3des' }), password: 'correct horse' }),
      ['der', 'pkcs12', 'certificate'],
    ],
  ];
  it.each(cases)('reads %s', (_name, make, kinds) => {
    const bundle = parseCertificateInput(make());
    expect(bundle.leaf.sha1Thumbprint).toBe(parseCertificateInput({ data: cert.der }).leaf.sha1Thumbprint);
    expect(bundle.kinds).toEqual(expect.arrayContaining(kinds));
  });

  it('reads a PFX made by OpenSSL 3 (AES-256-CBC, PBKDF2, SHA-256 MAC) with its key and chain', () => {
    const { leaf, intermediate, root } = chain;
    ssl.write('leaf.pem', leaf.pem);
    ssl.write('leaf.key', leaf.keyPem);
    ssl.write('chain.pem', intermediate.pem + root.pem);
    ssl.run([
      'pkcs12',
      '-export',
      '-in',
      'leaf.pem',
      '-inkey',
      'leaf.key',
      '-certfile',
      'chain.pem',
      '-out',
      'modern.pfx',
      '-passout',
      'pass:s3cret!pw',
    ]);
    expect(ssl.run(['pkcs12', '-in', 'modern.pfx', '-info', '-noout', '-passin', 'pass:s3cret!pw'])).toBe('');
    const bundle = parseCertificateInput({
      data: ssl.read('modern.pfx'),
      filename: 'modern.pfx',
      password: 's3cret!pw',
    });
    expect(bundle.leaf.subject).toBe('CN=vendor-connector, O=Vendor');
    expect(bundle.chain.map((c) => c.subject)).toEqual([
      'CN=Rekey Test Issuing CA, O=Rekey Tests',
      'CN=Rekey Test Root CA, O=Rekey Tests',
    ]);
    expect(bundle.certificates.map((c) => c.derBase64)).toEqual(
      [leaf, intermediate, root].map((c) => c.der.toString('base64')),
    );
    expect(bundle.privateKey).toMatchObject({ type: 'RSA', size: 2048 });
    expect(createPublicKey(bundle.privateKey!.pem).export({ type: 'spki', format: 'pem' })).toBe(
      createPublicKey(leaf.keyPem).export({ type: 'spki', format: 'pem' }),
    );
  });

  it('reads a PFX made by OpenSSL with -legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', () => {
    ssl.write('l.pem', cert.pem);
    ssl.write('l.key', cert.keyPem);
    ssl.run([
      'pkcs12',
      '-export',
      '-legacy',
      '-in',
      'l.pem',
      '-inkey',
      'l.key',
      '-out',
      'legacy.pfx',
      '-passout',
      'pass:old-windows',
    ]);
    const info = execInfo(ssl, 'legacy.pfx', 'old-windows');
    expect(info).toMatch(/RC2|3DES|des-ede3/i);
    const bundle = parseCertificateInput({ data: ssl.read('legacy.pfx'), password: 'old-windows' });
    expect(bundle.leaf.sha1Thumbprint).toBe(parseCertificateInput({ data: cert.der }).leaf.sha1Thumbprint);
    expect(bundle.privateKey?.type).toBe('RSA');
  });

  it('reads the "Bag Attributes" PEM that openssl pkcs12 -nodes prints, key included', () => {
    ssl.write('b.pem', cert.pem);
    ssl.write('b.key', cert.keyPem);
    ssl.run(['pkcs12', '-export', '-in', 'b.pem', '-inkey', 'b.key', '-out', 'b.pfx', '-passout', 'pass:pw123456']);
    const text = ssl.run(['pkcs12', '-in', 'b.pfx', '-nodes', '-passin', 'pass:pw123456']);
    expect(text).toContain('Bag Attributes');
    const bundle = parseCertificateInput({ data: text });
    expect(bundle.leaf.derBase64).toBe(cert.der.toString('base64'));
    expect(bundle.privateKey?.type).toBe('RSA');
  });

  it('reads a .p7b chain made by openssl crl2pkcs7, leaf first whatever the order', () => {
    const { leaf, intermediate, root } = chain;
    ssl.write('mixed.pem', root.pem + leaf.pem + intermediate.pem);
    ssl.run(['crl2pkcs7', '-nocrl', '-certfile', 'mixed.pem', '-outform', 'DER', '-out', 'chain.p7b']);
    const bundle = parseCertificateInput({ data: ssl.read('chain.p7b'), filename: 'chain.p7b' });
    expect(bundle.kinds).toContain('pkcs7');
    expect(bundle.certificates.map((c) => c.subject)).toEqual([
      'CN=vendor-connector, O=Vendor',
      'CN=Rekey Test Issuing CA, O=Rekey Tests',
      'CN=Rekey Test Root CA, O=Rekey Tests',
    ]);
    expect(bundle.chain).toHaveLength(2);
  });

  it('orders a PEM chain leaf first', () => {
    const { leaf, intermediate, root } = chain;
    const bundle = parseCertificateInput({ data: intermediate.pem + root.pem + leaf.pem });
    expect(bundle.leaf.subject).toBe('CN=vendor-connector, O=Vendor');
    expect(bundle.chain.map((c) => c.isCA)).toEqual([true, true]);
    expect(bundle.chain.at(-1)?.selfSigned).toBe(true);
  });

  it.each([
    ['PKCS#8', (c: BuiltCert) => c.keyPem, undefined],
    [
      'PKCS#1 (BEGIN RSA PRIVATE KEY)',
      (c: BuiltCert) => ssl.run(['pkey', '-in', ssl.write('k8.pem', c.keyPem), '-traditional']),
      undefined,
    ],
    [
      'encrypted PKCS#8',
      (c: BuiltCert) =>
        ssl.run([
          'pkcs8',
          '-topk8',
          '-in',
          ssl.write('k8e.pem', c.keyPem),
          '-v2',
          'aes-256-cbc',
          '-passout',
          'pass:keypass1',
        ]),
      'keypass1',
    ],
    [
      'legacy encrypted PEM (Proc-Type)',
      (c: BuiltCert) =>
        ssl.run(['rsa', '-in', ssl.write('k1e.pem', c.keyPem), '-aes256', '-traditional', '-passout', 'pass:keypass2']),
      'keypass2',
    ],
  ])('pairs the certificate with a %s private key in the same PEM', (_name, keyText, password) => {
    const bundle = parseCertificateInput({ data: keyText(cert) + cert.pem, ...(password ? { password } : {}) });
    expect(bundle.privateKey?.pem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(bundle.privateKey).toMatchObject({ type: 'RSA', size: 2048 });
  });

  it('pairs an EC certificate with its SEC1 key', () => {
    const ec = buildCert({ keyType: 'EC' });
    const sec1 = ssl.run(['ec', '-in', ssl.write('ec.pem', ec.keyPem)]);
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    expect(parseCertificateInput({ data: ec.pem + sec1 }).privateKey).toMatchObject({ type: 'EC', curve: 'P-256' });
  });

  it('reads a private key on its own for CSR matching', () => {
    expect(parsePrivateKeyInput({ data: cert.keyPem }).type).toBe('RSA');
    expect(thrown(() => parsePrivateKeyInput({ data: cert.pem, filename: 'cert.pem' })).details).toMatchObject({
      reason: 'NOT_A_PRIVATE_KEY',
    });
  });
});

/** `openssl pkcs12 -info` prints the algorithms on stderr. */
function execInfo(dir: OpenSslDir, file: string, pass: string): string {
  const r = spawnSync(
    'openssl',
    ['pkcs12', '-in', dir.path(file), '-info', '-noout', '-legacy', '-passin', `pass:${pass}`],
    { encoding: 'utf8' },
  );
  return `${r.stdout}${r.stderr}`;
}

describe('parseCertificateInput: refusals', () => {
  const other = () => buildCert({ slot: 7, subject: 'CN=someone-else' });
  const cases: [string, () => CertificateInput, { code: string; reason: string; message: RegExp }][] = [
    [
      'an empty file',
      () => ({ data: Buffer.alloc(0), filename: 'empty.cer' }),
      { code: 'INVALID_CERTIFICATE', reason: 'EMPTY', message: /^"empty\.cer": the file is empty/ },
    ],
    [
      'whitespace only',
      () => ({ data: '  \r\n ', filename: 'blank.pem' }),
      { code: 'INVALID_CERTIFICATE', reason: 'EMPTY', message: /"blank\.pem": the file is empty/ },
    ],
    [
      'a file over the size limit',
      () => ({ data: Buffer.alloc(2 * 1024 * 1024, 0x41), filename: 'huge.bin' }),
      {
        code: 'PAYLOAD_TOO_LARGE',
        reason: 'TOO_LARGE',
        message: /"huge\.bin": is 2097152 bytes; the limit is 1048576 bytes/,
      },
    ],
    [
      'a text file',
      () => ({ data: 'Hello, this is my certificate!\n', filename: 'notes.txt' }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'NOT_A_CERTIFICATE',
        message: /"notes\.txt": is a text file without a PEM block/,
      },
    ],
    [
      'binary junk',
      () => ({ data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), filename: 'logo.png' }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'NOT_A_CERTIFICATE',
        message: /"logo\.png": is not a certificate: it starts with bytes 89504e47/,
      },
    ],
    [
      'a truncated DER file',
      () => ({ data: cert.der.subarray(0, 400), filename: 'cut.cer' }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'TRUNCATED',
        message: /"cut\.cer": is truncated: it holds 400 bytes but its structure needs \d+/,
      },
    ],
    [
      'a PEM cut off before its END line',
      () => ({ data: cert.pem.slice(0, 300), filename: 'cut.pem' }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'TRUNCATED',
        message: /"cut\.pem": the PEM block "CERTIFICATE" has no END line: the file is cut off/,
      },
    ],
    [
      'a PEM with lines missing in the middle',
      () => ({
        data: cert.pem
          .split('\n')
          .filter((_, i) => i !== 5)
          .join('\n'),
        filename: 'gap.pem',
      }),
      { code: 'INVALID_CERTIFICATE', reason: 'TRUNCATED', message: /"gap\.pem": is truncated/ },
    ],
    [
      'a truncated PFX',
      () => ({
        data: buildPfx({ cert, password: 'pw123456' }).subarray(0, 1000),
        filename: 'cut.pfx',
        password: 'pw123456',
      }),
      { code: 'INVALID_CERTIFICATE', reason: 'TRUNCATED', message: /"cut\.pfx": is truncated/ },
    ],
    [
      'a PFX with the wrong password',
      () => ({
        data: buildPfx({ cert, password: 'right-password' }),
        filename: 'vendor.pfx',
        password: 'wrong-password',
      }),
      {
        code: 'WRONG_PASSWORD',
        reason: 'WRONG_PASSWORD',
        message: /"vendor\.pfx": could not be opened with that password/,
      },
    ],
    [
      'a legacy PFX with the wrong password',
      () => ({
        data: buildPfx({ cert, password: 'right-password', algorithm: '3des' }),
        filename: 'old.pfx',
        password: 'nope',
      }),
      {
        code: 'WRONG_PASSWORD',
        reason: 'WRONG_PASSWORD',
        message: /"old\.pfx": could not be opened with that password/,
      },
    ],
    [
      'a PFX without a password',
      () => ({ data: buildPfx({ cert, password: 'right-password' }), filename: 'vendor.pfx' }),
      {
        code: 'WRONG_PASSWORD',
        reason: 'PASSWORD_REQUIRED',
        message: /"vendor\.pfx": is a password-protected PFX\. Enter the password/,
      },
    ],
    [
      'a private key where a certificate is expected',
      () => ({ data: cert.keyPem, filename: 'connector.key' }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'PRIVATE_KEY_NOT_CERTIFICATE',
        message: /"connector\.key": holds a private key, not a certificate\. Upload the certificate/,
      },
    ],
    [
      'a DER private key where a certificate is expected',
      () => ({
        data: Buffer.from(cert.keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
        filename: 'connector.der',
      }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'PRIVATE_KEY_NOT_CERTIFICATE',
        message: /holds a private key, not a certificate/,
      },
    ],
    [
      'an encrypted key without its password',
      () => ({
        data:
          ssl.run(['pkcs8', '-topk8', '-in', ssl.write('ek.pem', cert.keyPem), '-passout', 'pass:abcdefgh']) + cert.pem,
        filename: 'both.pem',
      }),
      {
        code: 'WRONG_PASSWORD',
        reason: 'PASSWORD_REQUIRED',
        message: /"both\.pem": holds an encrypted private key\. Enter its password/,
      },
    ],
    [
      'an encrypted key with the wrong password',
      () => ({
        data:
          ssl.run(['pkcs8', '-topk8', '-in', ssl.write('ek2.pem', cert.keyPem), '-passout', 'pass:abcdefgh']) +
          cert.pem,
        filename: 'both.pem',
        password: 'zzz',
      }),
      { code: 'WRONG_PASSWORD', reason: 'WRONG_PASSWORD', message: /could not be decrypted with that password/ },
    ],
    [
      'a CSR',
      () => ({
        data: ssl.run(['req', '-new', '-key', ssl.write('csr.key', cert.keyPem), '-subj', '/CN=x']),
        filename: 'request.csr',
      }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'CSR_NOT_CERTIFICATE',
        message:
          /"request\.csr": is a certificate signing request \(CSR\), not a certificate\. Send the CSR to your CA/,
      },
    ],
    [
      'a DER CSR',
      () => ({
        data: Buffer.from(
          ssl
            .run(['req', '-new', '-key', ssl.write('csr2.key', cert.keyPem), '-subj', '/CN=x'])
            .replace(/-----[^-]+-----|\s/g, ''),
          'base64',
        ),
        filename: 'request.der',
      }),
      { code: 'INVALID_CERTIFICATE', reason: 'CSR_NOT_CERTIFICATE', message: /is a certificate signing request/ },
    ],
    [
      'a bare public key',
      () => ({
        data: createPublicKey(cert.keyPem).export({ type: 'spki', format: 'pem' }) as string,
        filename: 'pub.pem',
      }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'PUBLIC_KEY_NOT_CERTIFICATE',
        message: /"pub\.pem": holds a bare public key, not a certificate/,
      },
    ],
    [
      "a certificate with somebody else's key",
      () => ({ data: cert.pem + other().keyPem, filename: 'mixed.pem' }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'KEY_MISMATCH',
        message: /"mixed\.pem": holds a private key that does not belong to any certificate in it/,
      },
    ],
    [
      'a PKCS#7 without certificates',
      () => ({ data: buildP7b([]), filename: 'empty.p7b' }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'NO_CERTIFICATE',
        message: /"empty\.p7b": is a PKCS#7 \(\.p7b\) file without certificates/,
      },
    ],
    [
      'an unknown PEM block',
      () => ({ data: '-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n', filename: 'revoked.crl' }),
      {
        code: 'INVALID_CERTIFICATE',
        reason: 'NOT_A_CERTIFICATE',
        message: /"revoked\.crl": holds a PEM block of type "X509 CRL", not a certificate/,
      },
    ],
    [
      'no filename',
      () => ({ data: 'garbage!' }),
      { code: 'INVALID_CERTIFICATE', reason: 'NOT_A_CERTIFICATE', message: /^the uploaded input: is a text file/ },
    ],
  ];
  it.each(cases)('refuses %s', (_name, make, expected) => {
    const e = thrown(() => parseCertificateInput(make()));
    expect(e.code).toBe(expected.code);
    expect(e.details?.reason).toBe(expected.reason);
    expect(e.message).toMatch(expected.message);
  });

  it('honours a smaller size limit', () => {
    expect(thrown(() => parseCertificateInput({ data: cert.pem }, { maxBytes: 100 })).details).toMatchObject({
      reason: 'TOO_LARGE',
      maxBytes: 100,
    });
  });

  it('picks the key that matches when two keys are present', () => {
    const bundle = parseCertificateInput({ data: testKeyPem({ slot: 9 }) + cert.pem + cert.keyPem });
    expect(bundle.privateKey?.pem).toBe(cert.keyPem);
  });
});
