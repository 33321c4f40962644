import { createPublicKey } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { certificateAssertion } from '@/lib/graph/client-assertion';
import { sha256ThumbprintOf } from '@/lib/graph/msal-options';
import { buildCert } from '@/lib/testing/certs';

const cert = buildCert({
  subject: 'CN=mgmt',
  notBefore: new Date(Date.now() - 86_400_000),
  notAfter: new Date(Date.now() + 86_400_000 * 30),
});
const CLIENT = '11111111-2222-3333-4444-555555555555';
const ENDPOINT_A = 'https://login.example/aaaa/oauth2/v2.0/token';
const ENDPOINT_B = 'https://login.example/bbbb/oauth2/v2.0/token';

describe('client assertion signed with the key imported once', () => {
  it('is a PS256 JWT for the token endpoint, verifiable with the certificate, naming its SHA-256 thumbprint', async () => {
    const thumb = sha256ThumbprintOf(cert.pem);
    const jwt = await certificateAssertion({ thumbprintSha256: thumb, privateKeyPem: cert.keyPem })({
      clientId: CLIENT,
      tokenEndpoint: ENDPOINT_A,
    });
    const { payload, protectedHeader } = await jwtVerify(jwt, createPublicKey(cert.pem), {
      audience: ENDPOINT_A,
      issuer: CLIENT,
      subject: CLIENT,
      algorithms: ['PS256'],
    });
    expect(protectedHeader['x5t#S256']).toBe(Buffer.from(thumb, 'hex').toString('base64url'));
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(typeof payload.jti).toBe('string');
  });

  it('reuses an assertion per token endpoint within half its lifetime, then signs a new one', async () => {
    let now = Date.UTC(2026, 0, 1);
    const cb = certificateAssertion({
      thumbprintSha256: sha256ThumbprintOf(cert.pem),
      privateKeyPem: cert.keyPem,
      clock: () => now,
    });
    const a1 = await cb({ clientId: CLIENT, tokenEndpoint: ENDPOINT_A });
    const b1 = await cb({ clientId: CLIENT, tokenEndpoint: ENDPOINT_B });
    expect(b1).not.toBe(a1);
    now += 299_000;
    expect(await cb({ clientId: CLIENT, tokenEndpoint: ENDPOINT_A })).toBe(a1);
    now += 2_000;
    const a2 = await cb({ clientId: CLIENT, tokenEndpoint: ENDPOINT_A });
    expect(a2).not.toBe(a1);
    expect(decodeProtectedHeader(a2).alg).toBe('PS256');
  });

  it('rejects a key it cannot import, and does not remember the failure', async () => {
    const cb = certificateAssertion({ thumbprintSha256: 'AB', privateKeyPem: 'not a key' });
    await expect(cb({ clientId: CLIENT, tokenEndpoint: ENDPOINT_A })).rejects.toThrow();
    await expect(cb({ clientId: CLIENT, tokenEndpoint: ENDPOINT_A })).rejects.toThrow();
  });
});
