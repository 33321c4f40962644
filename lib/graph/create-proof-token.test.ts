import { X509Certificate, createHash, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROOF_AUDIENCE, createProofToken } from '@/lib/graph/create-proof-token';
import { buildCert } from '@/lib/testing/certs';

describe('createProofToken', () => {
  const cert = buildCert({ subject: 'CN=connector' });
  const now = new Date('2026-11-29T12:00:00Z');
  const token = createProofToken({
    objectId: 'app-object-id',
    certificatePem: cert.pem,
    privateKeyPem: cert.keyPem,
    now,
  });
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;

  it('has the documented header and claims, with a 10-minute lifetime', () => {
    const sha1 = createHash('sha1').update(cert.der).digest();
    expect(header).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      x5t: sha1.toString('base64url'),
      kid: sha1.toString('hex').toUpperCase(),
    });
    expect(claims).toEqual({
      aud: PROOF_AUDIENCE,
      iss: 'app-object-id',
      nbf: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 600,
    });
  });

  it('has no base64 padding (Graph rejects it as Authentication_MissingOrMalformed)', () => {
    expect(token).not.toContain('=');
  });

  it('verifies with the certificate public key (RS256)', () => {
    const pub = new X509Certificate(cert.pem).publicKey;
    expect(verify('sha256', Buffer.from(`${h}.${p}`), pub, Buffer.from(s, 'base64url'))).toBe(true);
  });

  it('refuses a non-RSA key', () => {
    const ec = buildCert({ keyType: 'EC' });
    expect(() => createProofToken({ objectId: 'x', certificatePem: ec.pem, privateKeyPem: ec.keyPem, now })).toThrow(
      /RSA/,
    );
  });
});
