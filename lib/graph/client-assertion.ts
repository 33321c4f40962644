/**
 * The client assertion (RFC 7523 jwt-bearer, PS256 with the certificate's SHA-256 thumbprint in
 * `x5t#S256`) that proves a certificate credential to the token endpoint, given to MSAL as its
 * `clientAssertion` callback instead of the PEM. MSAL's own certificate path hands the PEM string
 * to jsonwebtoken, which imports the private key again for every token request; here the key is
 * imported once per process (bounded memory of keys) and an assertion is reused for the same
 * token endpoint within half its lifetime, as MSAL does within a client. Entra accepts a reused
 * assertion (MSAL relies on it); the audience is the tenant's token endpoint, so one tenant's
 * assertion is never sent to another.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8, type CryptoKey } from 'jose';
import type { ClientAssertionCallback } from '@azure/msal-node';

/** Assertions are valid this long (as MSAL's: 10 minutes) … */
const LIFETIME_S = 600;
/** … and reused for at most half of it, so one in flight never arrives expired. */
const REUSE_MS = (LIFETIME_S * 1000) / 2;
const MAX_KEYS = 64;
const MAX_ASSERTIONS = 2_000;

const keys = new Map<string, Promise<CryptoKey>>();

/** The private key imported once per PEM (RSA-PSS SHA-256 signing). Rejects as importPKCS8 does. */
function signingKeyOf(privateKeyPem: string): Promise<CryptoKey> {
  let k = keys.get(privateKeyPem);
  if (!k) {
    k = importPKCS8(privateKeyPem, 'PS256');
    // A key that failed to import is not remembered (the caller reports the failure).
    k.catch(() => keys.delete(privateKeyPem));
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
    keys.set(privateKeyPem, k);
  }
  return k;
}

export interface AssertionCredential {
  /** Hex SHA-256 thumbprint of the certificate's DER. */
  thumbprintSha256: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  clock?: () => number;
}

/**
 * An MSAL `clientAssertion` callback for one credential. The memory of signed assertions belongs
 * to the callback (so to its credential): keyed by client id and token endpoint.
 */
export function certificateAssertion(credential: AssertionCredential): ClientAssertionCallback {
  const clock = credential.clock ?? Date.now;
  const x5tS256 = Buffer.from(credential.thumbprintSha256, 'hex').toString('base64url');
  const signed = new Map<string, { jwt: string; reuseUntil: number }>();
  return async ({ clientId, tokenEndpoint }) => {
    const aud = tokenEndpoint ?? '';
    const memoKey = `${clientId}|${aud}`;
    const now = clock();
    const hit = signed.get(memoKey);
    if (hit && hit.reuseUntil > now) return hit.jwt;
    const key = await signingKeyOf(credential.privateKeyPem);
    const iat = Math.floor(now / 1000);
    const jwt = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({
        alg: 'PS256',
        typ: 'JWT',
        'x5t#S256': x5tS256,
      })
      .setAudience(aud)
      .setIssuer(clientId)
      .setSubject(clientId)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + LIFETIME_S)
      .sign(key);
    signed.delete(memoKey);
    signed.set(memoKey, { jwt, reuseUntil: now + REUSE_MS });
    while (signed.size > MAX_ASSERTIONS) signed.delete(signed.keys().next().value as string);
    return jwt;
  };
}

const callbacks = new Map<string, ClientAssertionCallback>();

/**
 * The callback for a credential, one per certificate and key for the process (bounded), so a new
 * MSAL client for the same credential (a connector's key tested again) reuses its assertions.
 */
export function assertionFor(credential: { thumbprintSha256: string; privateKeyPem: string }): ClientAssertionCallback {
  const k = `${credential.thumbprintSha256}|${credential.privateKeyPem}`;
  let cb = callbacks.get(k);
  if (!cb) {
    cb = certificateAssertion(credential);
    if (callbacks.size >= MAX_KEYS) callbacks.delete(callbacks.keys().next().value as string);
    callbacks.set(k, cb);
  }
  return cb;
}
