/**
 * App-only tokens for the management app in any customer tenant: ONE MSAL confidential client
 * (certificate credential, SHA-256 thumbprint → PS256 assertion) with a per-request authority per
 * tenant, and a Map of tokens per tenant in front of it, so that thousands of tenants cost one
 * lookup per request and concurrent callers share one token request. MSAL's own cache lookup is
 * skipped: it scans every cached token, which is quadratic over a fleet.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { adminConsentUrl } from '@/lib/graph/admin-consent-url';
import { mapTokenFailure, toTokenFailure } from '@/lib/graph/graph-errors';
import { probeNetworkCause } from '@/lib/graph/network-cause';
import { authorityFor, msalConfiguration, type CertificateCredential } from '@/lib/graph/msal-options';

export interface TokenProvider {
  readonly clientId: string;
  readonly authorityHost: string;
  /** The cloud's Graph resource identifier tokens are requested for. */
  readonly graphResource: string;
  /**
   * Access token for `scopes` (default: Graph `.default`) in `tenantId`. Throws RekeyError.
   * `generation`: the tenant's token generation as stored in the database (bumped by every consent
   * check in any process); a cached token acquired under an older generation is not used.
   */
  getToken(tenantId: string, scopes?: string[], tenantName?: string, generation?: number): Promise<string>;
  /** The admin-consent link for a tenant. */
  consentUrl(tenantId: string): string;
  /** Drops cached tokens (all, or one tenant's), e.g. after consent changed. */
  forget(tenantId?: string): void;
  /** `cached`: tokens held now (bounded, see MAX_CACHED_TOKENS). */
  readonly stats: { msalCalls: number; cacheHits: number; readonly cached: number };
}

/**
 * Tokens kept at most: a campaign touches each tenant once, so keeping every token of a 36,000-
 * tenant fleet would only grow memory. The oldest is dropped first (a later call gets a new one).
 */
export const MAX_CACHED_TOKENS = 2_000;

export interface CreateTokenProviderOptions extends CertificateCredential {
  clientId: string;
  authorityHost: string;
  /**
   * The cloud's Graph resource identifier for the `.default` scope (https://graph.microsoft.com,
   * https://graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn). It names the resource,
   * not where requests go, so it stays the cloud's even when the endpoint is overridden.
   */
  graphResource: string;
  /** Used for the CCA's default authority only; requests always name their tenant. */
  homeTenant?: string;
  consentRedirectUri?: string;
  /** Refresh this long before expiry (default 5 min, as MSAL). */
  refreshMarginMs?: number;
  clock?: () => number;
  /** Default MAX_CACHED_TOKENS. */
  maxCachedTokens?: number;
}

export function createTokenProvider(opts: CreateTokenProviderOptions): TokenProvider {
  const clock = opts.clock ?? Date.now;
  const margin = opts.refreshMarginMs ?? 5 * 60_000;
  const makeClient = () =>
    new ConfidentialClientApplication(
      msalConfiguration({
        clientId: opts.clientId,
        authorityHost: opts.authorityHost,
        tenantId: opts.homeTenant ?? 'organizations',
        credential: opts,
      }),
    );
  let cca = makeClient();
  const defaultScopes = [`${opts.graphResource.replace(/\/+$/, '')}/.default`];
  const cache = new Map<string, { token: string; refreshAt: number; generation: number }>();
  /** The newest token generation seen per tenant (a call without one still honours it). */
  const generations = new Map<string, number>();
  const inflight = new Map<string, Promise<string>>();
  /** Every scope set a token was asked for (keys are `${tenantId}|${scopes}`); a handful at most. */
  const scopeSets = new Set<string>();
  const stats = {
    msalCalls: 0,
    cacheHits: 0,
    get cached() {
      return cache.size;
    },
  };
  const consentUrl = (tenantId: string) =>
    adminConsentUrl({
      authorityHost: opts.authorityHost,
      tenantId,
      clientId: opts.clientId,
      redirectUri: opts.consentRedirectUri,
    });

  async function acquire(
    key: string,
    tenantId: string,
    scopes: string[],
    tenantName: string | undefined,
    generation: number,
  ): Promise<string> {
    stats.msalCalls++;
    try {
      // Our Map is the cache (O(1) per tenant); MSAL's own lookup scans every cached token.
      const r = await cca.acquireTokenByClientCredential({
        scopes,
        authority: authorityFor(opts.authorityHost, tenantId),
        skipCache: true,
      });
      if (!r?.accessToken) throw new Error('the token endpoint returned no access token');
      const expiresAt = r.expiresOn ? r.expiresOn.getTime() : clock() + 10 * 60_000;
      cache.delete(key);
      cache.set(key, { token: r.accessToken, refreshAt: Math.max(clock() + 30_000, expiresAt - margin), generation });
      while (cache.size > (opts.maxCachedTokens ?? MAX_CACHED_TOKENS))
        cache.delete(cache.keys().next().value as string);
      // MSAL also keeps every token it fetched in its own in-memory cache, which we never read
      // (skipCache): empty it so it does not grow with the fleet.
      cca.clearCache();
      return r.accessToken;
    } catch (e) {
      const failure = toTokenFailure(e);
      // MSAL drops the cause of a failed connection; find it out (once, on this failure path only).
      if (failure.unavailable && failure.status === undefined && /fetch failed/i.test(failure.message))
        failure.networkCause = await probeNetworkCause(opts.authorityHost);
      // MSAL remembers a 429/5xx from the token endpoint and then fails identical requests locally
      // for up to Retry-After (60 s by default). The gateway does its own back-off, so start over
      // with a fresh client (our Map still holds every other tenant's token).
      if (failure.unavailable) cca = makeClient();
      throw mapTokenFailure(failure, {
        tenantId,
        tenantName,
        operation: 'get a token',
        consentUrl: consentUrl(tenantId),
      });
    }
  }

  return {
    clientId: opts.clientId,
    authorityHost: opts.authorityHost,
    graphResource: opts.graphResource,
    stats,
    consentUrl,
    forget(tenantId) {
      if (!tenantId) {
        cache.clear();
        // A token request already under way may have been answered before the change: not shared.
        inflight.clear();
        return;
      }
      // O(scope sets), not O(cached tokens): a fleet's consent checks each forget one tenant.
      for (const scope of scopeSets) {
        cache.delete(`${tenantId}|${scope}`);
        inflight.delete(`${tenantId}|${scope}`);
      }
    },
    getToken(tenantId, scopes = defaultScopes, tenantName, generation) {
      const scope = scopes.join(' ');
      scopeSets.add(scope);
      const key = `${tenantId}|${scope}`;
      const seen = generations.get(tenantId) ?? 0;
      if (generation !== undefined && generation > seen) generations.set(tenantId, generation);
      const wanted = Math.max(seen, generation ?? 0);
      const hit = cache.get(key);
      if (hit && hit.refreshAt > clock() && hit.generation >= wanted) {
        stats.cacheHits++;
        return Promise.resolve(hit.token);
      }
      let p = inflight.get(key);
      if (!p) {
        p = acquire(key, tenantId, scopes, tenantName, wanted).finally(() => {
          if (inflight.get(key) === p) inflight.delete(key);
        });
        inflight.set(key, p);
      }
      return p;
    },
  };
}
