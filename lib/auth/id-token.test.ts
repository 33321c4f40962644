import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyIdToken, type Jwks } from '@/lib/auth/id-token';

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
const jwks: Jwks = { keys: [{ kty: 'RSA', use: 'sig', kid: 'k1', n: jwk.n, e: jwk.e }] };

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';
const NOW = new Date('2026-03-01T09:00:00Z');
const nowS = Math.floor(NOW.getTime() / 1000);
const ISSUER = `https://login.example/${TENANT}/v2.0`;

function sign(
  payload: Record<string, unknown>,
  opts: { kid?: string; alg?: string; key?: crypto.KeyObject } = {},
): string {
  const h = Buffer.from(JSON.stringify({ typ: 'JWT', alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'k1' })).toString(
    'base64url',
  );
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const s = crypto.sign('sha256', Buffer.from(`${h}.${p}`), opts.key ?? privateKey).toString('base64url');
  return `${h}.${p}.${s}`;
}

const good = {
  iss: ISSUER,
  aud: CLIENT,
  exp: nowS + 3600,
  nbf: nowS - 10,
  iat: nowS - 10,
  nonce: 'n'.repeat(43),
  oid: 'oid-1',
  tid: TENANT,
  sub: 'sub',
  name: 'Ada',
  preferred_username: 'ada@rekey.example',
  email: 'spoofed@victim.example',
};
const input = (idToken: string, over: Partial<Parameters<typeof verifyIdToken>[0]> = {}) => ({
  idToken,
  metadata: { issuer: ISSUER },
  jwks,
  clientId: CLIENT,
  nonce: 'n'.repeat(43),
  now: NOW,
  expectedTenantId: TENANT,
  ...over,
});

describe('verifyIdToken', () => {
  it('accepts a good token and uses preferred_username, never email', () => {
    expect(verifyIdToken(input(sign(good)))).toMatchObject({
      oid: 'oid-1',
      tid: TENANT,
      name: 'Ada',
      preferredUsername: 'ada@rekey.example',
    });
  });

  it('fills {tenantid} in a multi-tenant issuer from tid', () => {
    expect(
      verifyIdToken(
        input(sign(good), { metadata: { issuer: 'https://login.example/{tenantid}/v2.0' }, expectedTenantId: null }),
      ).tid,
    ).toBe(TENANT);
  });

  it.each([
    ['a signature by another key', sign(good, { key: other.privateKey }), {}, 'bad id_token signature'],
    ['an unknown kid', sign(good, { kid: 'nope' }), {}, 'signing key not found'],
    [
      'alg none',
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`,
      {},
      'unexpected signing algorithm',
    ],
    ['HS256', sign(good, { alg: 'HS256' }), {}, 'unexpected signing algorithm'],
    [
      'a changed payload',
      (() => {
        const [h, , s] = sign(good).split('.');
        return `${h}.${Buffer.from(JSON.stringify({ ...good, oid: 'other' })).toString('base64url')}.${s}`;
      })(),
      {},
      'bad id_token signature',
    ],
    ['another issuer', sign({ ...good, iss: 'https://evil.example/x/v2.0' }), {}, 'unexpected issuer'],
    ['another audience', sign({ ...good, aud: 'someone-else' }), {}, 'another application'],
    ['an expired token', sign({ ...good, exp: nowS - 600 }), {}, 'expired'],
    ['a token from the future', sign({ ...good, nbf: nowS + 600 }), {}, 'not yet valid'],
    ['another nonce', sign({ ...good, nonce: 'm'.repeat(43) }), {}, 'nonce mismatch'],
    ['no nonce', sign({ ...good, nonce: undefined }), {}, 'nonce mismatch'],
    [
      'another tenant',
      sign({ ...good, tid: '33333333-3333-4333-8333-333333333333', iss: ISSUER }),
      {},
      'another tenant',
    ],
    ['no oid', sign({ ...good, oid: undefined }), {}, 'lacks required claims'],
    ['no sign-in name', sign({ ...good, preferred_username: undefined }), {}, 'no preferred_username'],
    ['two segments', 'a.b', {}, 'malformed'],
  ])('rejects %s', (_name, token, over, message) => {
    expect(() => verifyIdToken(input(token, over))).toThrow(message);
  });

  it('allows five minutes of clock skew', () => {
    expect(() => verifyIdToken(input(sign({ ...good, exp: nowS - 200 })))).not.toThrow();
  });
});
