/**
 * OpenID Connect metadata, JWKS and id_token verification with node:crypto. MSAL Node decodes
 * the id_token but does not verify its signature, issuer or audience (graph-facts §5.4), so we
 * do: RS256 signature by a key from the issuer's jwks_uri (selected by `kid`), `iss` equal to
 * the metadata issuer (with `{tenantid}` filled from `tid` for multi-tenant authorities),
 * `aud` = our client id, `exp`/`nbf` with a small skew, and `nonce` = the one we sent.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { RekeyError } from '@/lib/errors';

export const OidcMetadataSchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  end_session_endpoint: z.url().optional(),
});
export type OidcMetadata = z.infer<typeof OidcMetadataSchema>;

const JwkSchema = z.object({
  kty: z.string(),
  kid: z.string().optional(),
  use: z.string().optional(),
  n: z.string().optional(),
  e: z.string().optional(),
  x5c: z.array(z.string()).optional(),
});
export const JwksSchema = z.object({ keys: z.array(JwkSchema) });
export type Jwks = z.infer<typeof JwksSchema>;

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
  jwks: Jwks;
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

function segmentJson(s: string | undefined): unknown {
  if (!s) fail('malformed id_token');
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
  } catch {
    return fail('malformed id_token');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(v: string | null | undefined): v is string {
  return !!v && GUID.test(v);
}

export function verifyIdToken(input: VerifyIdTokenInput): IdTokenClaims {
  const parts = input.idToken.split('.');
  if (parts.length !== 3) fail('malformed id_token');
  const [h, p, s] = parts as [string, string, string];
  const header = z
    .object({ alg: z.string(), kid: z.string().optional(), typ: z.string().optional() })
    .safeParse(segmentJson(h));
  if (!header.success) fail('malformed id_token header');
  if (header.data.alg !== 'RS256') fail(`unexpected signing algorithm ${header.data.alg}`);
  const candidates = input.jwks.keys.filter(
    (k) =>
      k.kty === 'RSA' &&
      (k.use === undefined || k.use === 'sig') &&
      (header.data.kid === undefined || k.kid === header.data.kid),
  );
  if (candidates.length === 0) fail("signing key not found in the issuer's JWKS");
  const signed = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const valid = candidates.some((k) => {
    try {
      const key =
        k.n && k.e
          ? crypto.createPublicKey({ key: { kty: 'RSA', n: k.n, e: k.e }, format: 'jwk' })
          : k.x5c?.[0]
            ? new crypto.X509Certificate(Buffer.from(k.x5c[0], 'base64')).publicKey
            : null;
      return (
        key !== null && crypto.verify('sha256', signed, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature)
      );
    } catch {
      return false;
    }
  });
  if (!valid) fail('bad id_token signature');

  const parsed = ClaimsSchema.safeParse(segmentJson(p));
  if (!parsed.success) fail('id_token lacks required claims');
  const c = parsed.data;
  const skew = input.clockSkewSeconds ?? 300;
  const nowS = Math.floor(input.now.getTime() / 1000);
  const expectedIssuer = input.metadata.issuer.replace('{tenantid}', c.tid);
  if (c.iss !== expectedIssuer) fail('unexpected issuer');
  const audiences = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!audiences.some((a) => a.toLowerCase() === input.clientId.toLowerCase()))
    fail('id_token is for another application');
  if (c.exp + skew < nowS) fail('id_token expired');
  if (c.nbf !== undefined && c.nbf - skew > nowS) fail('id_token not yet valid');
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

const cache = new Map<string, { at: number; value: unknown }>();
const TTL_MS = 60 * 60_000;

async function cached<T>(key: string, load: () => Promise<T>, force = false): Promise<T> {
  const hit = cache.get(key);
  if (!force && hit && Date.now() - hit.at < TTL_MS) return hit.value as T;
  const value = await load();
  cache.set(key, { at: Date.now(), value });
  return value;
}

export function openIdConfigurationUrl(authority: string): string {
  return `${authority.replace(/\/+$/, '')}/v2.0/.well-known/openid-configuration`;
}

export async function getOidcMetadata(authority: string, fetchImpl: typeof fetch = fetch): Promise<OidcMetadata> {
  const url = openIdConfigurationUrl(authority);
  return cached(`meta:${url}`, () => fetchJson(url, OidcMetadataSchema, 'OpenID configuration', fetchImpl));
}

/** The JWKS; `refresh` bypasses the cache (after a key rollover: unknown `kid`). */
export async function getJwks(jwksUri: string, refresh = false, fetchImpl: typeof fetch = fetch): Promise<Jwks> {
  return cached(`jwks:${jwksUri}`, () => fetchJson(jwksUri, JwksSchema, 'signing keys', fetchImpl), refresh);
}

/** Verifies against the cached JWKS, re-fetching it once when the token's key is unknown. */
export async function verifyIdTokenFromIssuer(
  input: Omit<VerifyIdTokenInput, 'jwks' | 'metadata'> & { metadata: OidcMetadata },
  fetchImpl: typeof fetch = fetch,
): Promise<IdTokenClaims> {
  const jwks = await getJwks(input.metadata.jwks_uri, false, fetchImpl);
  try {
    return verifyIdToken({ ...input, jwks });
  } catch (e) {
    if (e instanceof RekeyError && e.details?.reason === "signing key not found in the issuer's JWKS") {
      return verifyIdToken({ ...input, jwks: await getJwks(input.metadata.jwks_uri, true, fetchImpl) });
    }
    throw e;
  }
}
