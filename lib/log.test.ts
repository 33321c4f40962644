import { describe, expect, it } from 'vitest';
import { RekeyError } from '@/lib/errors';
import { createLogger, redact, type LogLevel } from '@/lib/log';
import { buildCert, buildPfx } from '@/lib/testing/certs';

const now = () => new Date('2026-06-01T12:00:00Z');
function capture(level: LogLevel = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, sink: (l) => lines.push(l), now });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const cert = buildCert();
const keyPem = cert.keyPem;
const keyBody = keyPem.split('\n')[1]!; // a line of the key's base64
const pfx = buildPfx({ cert, password: 'hunter22' });
const jwt = 'eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2xvZ2luIiwiaXNzIjoiYXBwIn0.c2lnbmF0dXJlLWJ5dGVz';

describe('createLogger', () => {
  it('writes one JSON line with time, level, msg and fields', () => {
    const { logger, records } = capture();
    logger.info('rotation started', { tenantId: 't1', attempt: 2 });
    expect(records()).toEqual([
      { time: '2026-06-01T12:00:00.000Z', level: 'info', msg: 'rotation started', tenantId: 't1', attempt: 2 },
    ]);
  });

  it('drops records below its level and merges child fields', () => {
    const { logger, records } = capture('info');
    logger.debug('noise');
    logger.child({ rotationId: 'r1' }).warn('slow', { ms: 900 });
    expect(records()).toEqual([
      { time: '2026-06-01T12:00:00.000Z', level: 'warn', msg: 'slow', rotationId: 'r1', ms: 900 },
    ]);
  });

  it('serialises errors with code and details', () => {
    const { logger, records } = capture();
    logger.error('failed', { err: new RekeyError('WRONG_PASSWORD', 'bad pfx password', { reason: 'WRONG_PASSWORD' }) });
    expect(records()[0]?.err).toMatchObject({
      name: 'RekeyError',
      code: 'WRONG_PASSWORD',
      message: 'bad pfx password',
      details: { reason: 'WRONG_PASSWORD' },
    });
  });
});

describe('redaction: key material never reaches the sink', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['a PEM private key in an innocent field', { note: `uploaded:\n${keyPem}` }],
    ['a PEM private key in a nested array', { items: [{ body: keyPem }] }],
    ['a PKCS#8 base64 blob in "key"', { key: keyPem.replace(/-----[^-]+-----|\n/g, '') }],
    ['a private key in "privateKey"', { privateKey: keyPem }],
    ['a PFX buffer in "pfx"', { pfx }],
    ['a PFX as base64 in "pfx"', { pfx: pfx.toString('base64') }],
    ['a Buffer in "signingKey"', { signingKey: Buffer.from(keyPem) }],
    ['a password', { password: 'hunter22' }],
    ['a PFX password with another name', { pfxPassword: 'hunter22' }],
    ['a client secret', { clientSecret: 'hunter22' }],
    ['a client assertion', { assertion: jwt }],
    ['an access token', { token: jwt }],
    ['a JWT inside a message-like field', { detail: `Bearer ${jwt}` }],
    ['a key inside an error message', { err: new Error(`could not parse ${keyPem}`) }],
  ];
  it.each(cases)('redacts %s', (_name, fields) => {
    const { logger, lines } = capture();
    logger.info('event', fields);
    const out = lines.join('\n');
    expect(out).not.toContain(keyBody);
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain(jwt.split('.')[1]!);
    expect(out).not.toContain(pfx.toString('base64').slice(0, 40));
    expect(out).toMatch(/REDACTED|\[\d+ bytes\]/);
  });

  it('redacts a private key passed as the message itself', () => {
    const { logger, lines } = capture();
    logger.warn(`oops ${keyPem}`);
    expect(lines[0]).not.toContain(keyBody);
    expect(lines[0]).toContain('[REDACTED PRIVATE KEY]');
  });

  it('keeps public facts readable', () => {
    expect(
      redact({
        sha1Thumbprint: 'AB'.repeat(20),
        subject: 'CN=x',
        keyId: '0b2c1d4e-aaaa-bbbb-cccc-123456789012',
        certPem: cert.pem,
        keyType: 'RSA',
      }),
    ).toEqual({
      sha1Thumbprint: 'AB'.repeat(20),
      subject: 'CN=x',
      keyId: '0b2c1d4e-aaaa-bbbb-cccc-123456789012',
      certPem: cert.pem,
      keyType: 'RSA',
    });
  });

  it('survives circular structures', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[Circular]' });
  });
});
