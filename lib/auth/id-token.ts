/**
 * OpenID Connect id_token verification with `jose`. MSAL Node decodes the id_token but does not
 * verify its signature, issuer or audience (MSAL Node decodes id_token claims without validating them), so we do: an RS256 signature by a
 * key from the issuer's jwks_uri (jose's remote JWKS: cached, refetched when a token names a key
 * it does not know — Entra rolls its signing keys — at most once per 30 s), then Rekey's own
 * checks: `iss` equal to the metadata issuer (with `{tenantid}` filled from `tid` for multi-tenant
 * authorities), `aud` = our client id, `exp`/`nbf` with a small skew, `nonce` = the one we sent,
 * and `tid` = the home tenant for a single-tenant authority.
 */
import crypto from 'node:crypto';
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { RekeyError } from '@/lib/errors';
import { GUID } from '@/lib/text/guid';

export const OidcMetadataSchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  end_session_endpoint: z.url().optional(),
});
export type OidcMetadata = z.infer<typeof OidcMetadataSchema>;

export interface IdTokenClaims {
  oid: string;
  tid: string;
  sub: string;
  name: string;
  /** The sign-in name (UPN). Never the unverified `email` claim (see provision-user.ts). */
  preferredUsername: string;
  nonce: string;
  iss: string;
  exp: number;
}

export interface VerifyIdTokenInput {
  idToken: string;
  metadata: Pick<OidcMetadata, 'issuer'>;
  /** The issuer's keys: `issuerKeys(jwks_uri)` in production, `createLocalJWKSet` in tests. */
  keys: JWTVerifyGetKey;
  clientId: string;
  nonce: string;
  now: Date;
  /** When the authority is a single tenant: the token's `tid` must be this (GUID). */
  expectedTenantId?: string | null;
  clockSkewSeconds?: number;
}

const ClaimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  nbf: z.number().optional(),
  iat: z.number().optional(),
  nonce: z.string().optional(),
  oid: z.string().min(1),
  tid: z.string().min(1),
  sub: z.string().min(1),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
  upn: z.string().optional(),
});

function fail(reason: string): never {
  throw new RekeyError('UNAUTHENTICATED', `The sign-in response was rejected: ${reason}.`, { reason });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function isGuid(v: string | null | undefined): v is string {
  return !!v && GUID.test(v);
}

/** jose's errors, in the words the sign-in error page and the logs use. */
function reasonFor(e: unknown, header: () => string): string {
  if (e instanceof errors.JOSEAlgNotAllowed) return `unexpected signing algorithm ${header()}`;
  if (e instanceof errors.JWKSNoMatchingKey) return "signing key not found in the issuer's JWKS";
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'bad id_token signature';
  if (e instanceof errors.JWTExpired) return 'id_token expired';
  if (e instanceof errors.JWTClaimValidationFailed)
    return e.claim === 'nbf' ? 'id_token not yet valid' : 'id_token lacks required claims';
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid)
    throw new RekeyError('GRAPH_UNAVAILABLE', `The sign-in service's signing keys could not be read: ${e.message}`);
  if (e instanceof RekeyError) throw e;
  if (e instanceof errors.JOSEError) return 'malformed id_token';
  throw e;
}

export async function verifyIdToken(input: VerifyIdTokenInput): Promise<IdTokenClaims> {
  const skew = input.clockSkewSeconds ?? 300;
  const header = () => {
    try {
      return String(
        (JSON.parse(Buffer.from(input.idToken.split('.')[0] ?? '', 'base64url').toString()) as { alg?: unknown }).alg,
      );
    } catch {
      return '(unreadable)';
    }
  };
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(input.idToken, input.keys, {
      algorithms: ['RS256'],
      clockTolerance: skew,
      currentDate: input.now,
      requiredClaims: ['exp'],
    }));
  } catch (e) {
    fail(reasonFor(e, header));
  }
  const parsed = ClaimsSchema.safeParse(payload);
  if (!parsed.success) fail('id_token lacks required claims');
  const c = parsed.data;
  const expectedIssuer = input.metadata.issuer.replace('{tenantid}', c.tid);
  if (c.iss !== expectedIssuer) fail('unexpected issuer');
  const audiences = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!audiences.some((a) => a.toLowerCase() === input.clientId.toLowerCase()))
    fail('id_token is for another application');
  if (!c.nonce || !safeEqual(c.nonce, input.nonce)) fail('nonce mismatch');
  if (isGuid(input.expectedTenantId) && c.tid.toLowerCase() !== input.expectedTenantId.toLowerCase())
    fail('account from another tenant');
  const preferredUsername = (c.preferred_username ?? c.upn ?? '').trim();
  if (!preferredUsername) fail('id_token has no preferred_username');
  return {
    oid: c.oid,
    tid: c.tid,
    sub: c.sub,
    name: c.name?.trim() || preferredUsername,
    preferredUsername,
    nonce: c.nonce,
    iss: c.iss,
    exp: c.exp,
  };
}

/** Fetches and validates JSON with a timeout; `what` names it in errors. */
async function fetchJson<T>(url: string, schema: z.ZodType<T>, what: string, fetchImpl: typeof fetch): Promise<T> {
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
  } catch (e) {
    throw new RekeyError(
      'GRAPH_UNAVAILABLE',
      `Cannot reach the sign-in service for ${what} (${url}): ${(e as Error).message}`,
    );
  }
  if (!res.ok) throw new RekeyError('GRAPH_ERROR', `The sign-in service answered ${res.status} for ${what} (${url}).`);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success)
    throw new RekeyError('GRAPH_ERROR', `The sign-in service returned an unexpected ${what} document (${url}).`);
  return parsed.data;
}

/**
 * A small LRU: one entry per authority / jwks_uri. Bounded, so a stream of sign-ins through many
 * tenant authorities cannot grow it without limit.
 */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  get size(): number {
    return this.map.size;
  }
}

const MAX_ISSUERS = 64;
const METADATA_TTL_MS = 60 * 60_000;
const metadataCache = new BoundedCache<{ at: number; value: OidcMetadata }>(MAX_ISSUERS);
const jwksCache = new BoundedCache<{ fetchImpl: typeof fetch; keys: JWTVerifyGetKey }>(MAX_ISSUERS);

export function openIdConfigurationUrl(authority: string): string {
  return `${authority.replace(/\/+$/, '')}/v2.0/.well-known/openid-configuration`;
}

export async function getOidcMetadata(authority: string, fetchImpl: typeof fetch = fetch): Promise<OidcMetadata> {
  const url = openIdConfigurationUrl(authority);
  const hit = metadataCache.get(url);
  if (hit && Date.now() - hit.at < METADATA_TTL_MS) return hit.value;
  const value = await fetchJson(url, OidcMetadataSchema, 'OpenID configuration', fetchImpl);
  metadataCache.set(url, { at: Date.now(), value });
  return value;
}

/**
 * The issuer's signing keys (jose remote JWKS): kept for 10 minutes, refetched at once when a
 * token names an unknown `kid` (no more than once every 30 s), one per jwks_uri in a bounded cache.
 */
export function issuerKeys(jwksUri: string, fetchImpl: typeof fetch = fetch): JWTVerifyGetKey {
  const hit = jwksCache.get(jwksUri);
  if (hit && hit.fetchImpl === fetchImpl) return hit.keys;
  const keys = createRemoteJWKSet(new URL(jwksUri), {
    cacheMaxAge: 10 * 60_000,
    cooldownDuration: 30_000,
    timeoutDuration: 10_000,
    [customFetch]: (url: string, init: RequestInit) => fetchImpl(url, init),
  });
  jwksCache.set(jwksUri, { fetchImpl, keys });
  return keys;
}

/** Verifies against the issuer's JWKS (see `issuerKeys`). */
export async function verifyIdTokenFromIssuer(
  input: Omit<VerifyIdTokenInput, 'keys' | 'metadata'> & { metadata: OidcMetadata },
  fetchImpl: typeof fetch = fetch,
): Promise<IdTokenClaims> {
  return verifyIdToken({ ...input, keys: issuerKeys(input.metadata.jwks_uri, fetchImpl) });
}
