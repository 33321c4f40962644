import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BoundedCache, issuerKeys, verifyIdToken, verifyIdTokenFromIssuer } from '@/lib/auth/id-token';

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwkOf = (k: crypto.KeyObject, kid: string) => {
  const { n, e } = k.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', use: 'sig', kid, n, e };
};
const jwks: JSONWebKeySet = { keys: [jwkOf(publicKey, 'k1')] };
const keys = createLocalJWKSet(jwks);

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
  keys,
  clientId: CLIENT,
  nonce: 'n'.repeat(43),
  now: NOW,
  expectedTenantId: TENANT,
  ...over,
});

describe('verifyIdToken', () => {
  it('accepts a good token and uses preferred_username, never email', async () => {
    await expect(verifyIdToken(input(sign(good)))).resolves.toMatchObject({
      oid: 'oid-1',
      tid: TENANT,
      name: 'Ada',
      preferredUsername: 'ada@rekey.example',
    });
  });

  it('fills {tenantid} in a multi-tenant issuer from tid', async () => {
    const claims = await verifyIdToken(
      input(sign(good), { metadata: { issuer: 'https://login.example/{tenantid}/v2.0' }, expectedTenantId: null }),
    );
    expect(claims.tid).toBe(TENANT);
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
  ])('rejects %s', async (_name, token, over, message) => {
    await expect(verifyIdToken(input(token, over))).rejects.toThrow(message);
  });

  it('allows five minutes of clock skew', async () => {
    await expect(verifyIdToken(input(sign({ ...good, exp: nowS - 200 })))).resolves.toBeTruthy();
  });
});

describe("the issuer's JWKS (jose remote key set)", () => {
  // A local issuer whose key set can roll over, counting how often it is read.
  let served: JSONWebKeySet = { keys: [jwkOf(publicKey, 'k1')] };
  let reads = 0;
  let server: http.Server;
  let jwksUri = '';
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      reads++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/discovery/v2.0/keys`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const metadata = () => ({
    issuer: ISSUER,
    authorization_endpoint: 'https://login.example/authorize',
    token_endpoint: 'https://login.example/token',
    jwks_uri: jwksUri,
  });
  const verify = (token: string) =>
    verifyIdTokenFromIssuer({
      idToken: token,
      metadata: metadata(),
      clientId: CLIENT,
      nonce: 'n'.repeat(43),
      now: NOW,
      expectedTenantId: TENANT,
    });

  it('caches the keys, refetches once when a token names a new key (rollover), and still refuses unknown keys', async () => {
    await expect(verify(sign(good))).resolves.toMatchObject({ oid: 'oid-1' });
    await expect(verify(sign(good))).resolves.toMatchObject({ oid: 'oid-1' });
    expect(reads).toBe(1);
    // The issuer rolls over to a new key: tokens signed with it name kid k2. Past the 30 s
    // cool-down after the last read (the clock is moved, not waited for), the key set is reread.
    served = { keys: [jwkOf(publicKey, 'k1'), jwkOf(other.publicKey, 'k2')] };
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
    try {
      await expect(verify(sign(good, { kid: 'k2', key: other.privateKey }))).resolves.toMatchObject({ oid: 'oid-1' });
    } finally {
      vi.useRealTimers();
    }
    expect(reads).toBe(2);
    // A key the issuer never published: refused, and the cool-down keeps a flood of such tokens
    // from making Rekey fetch the key set again and again.
    const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (let i = 0; i < 3; i++)
      await expect(verify(sign(good, { kid: 'k9', key: stranger.privateKey }))).rejects.toThrow(
        "signing key not found in the issuer's JWKS",
      );
    expect(reads).toBe(2);
    // The old key was retired: a token still signed with it fails its signature check once the key set is reread.
    served = { keys: [{ ...jwkOf(other.publicKey, 'k1') }, jwkOf(other.publicKey, 'k2')] };
    await expect(
      verifyIdToken({
        idToken: sign(good),
        metadata: { issuer: ISSUER },
        keys: createLocalJWKSet(served),
        clientId: CLIENT,
        nonce: 'n'.repeat(43),
        now: NOW,
        expectedTenantId: TENANT,
      }),
    ).rejects.toThrow('bad id_token signature');
  });

  it('keeps one key set per issuer, in a bounded cache', () => {
    expect(issuerKeys(jwksUri)).toBe(issuerKeys(jwksUri));
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
  });
});
