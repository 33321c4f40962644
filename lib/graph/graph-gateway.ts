/**
 * Every Graph call Rekey makes goes through one gateway: the real graph client pointed at the
 * configured host, a per-tenant concurrency limit plus a global one, a client-side budget per
 * tenant that keeps Rekey inside the documented identity limits (graph-facts §3.3), retries that
 * honour `Retry-After` (also for throttled `$batch` items, which the library does not retry), and
 * the mapping of failures to RekeyErrors. Per-tenant state lives in Maps and is created lazily,
 * so a campaign over thousands of tenants costs a few objects per tenant.
 */
import { AuthenticationHandlerOptions, Client, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { RekeyError, isRekeyError } from '@/lib/errors';
import {
  batchItemFailure,
  isRetryableStatus,
  NON_PREMIUM_CODE,
  mapGraphFailure,
  toGraphFailure,
  type GraphFailure,
  type PermissionNeed,
} from '@/lib/graph/graph-errors';
import { createSemaphore, createTokenBucket, type Semaphore, type TokenBucket } from '@/lib/graph/token-bucket';
import type { TokenProvider } from '@/lib/graph/token-provider';

/**
 * A tenant as the gateway sees it: its Entra tenant id, for messages its name, and the token
 * generation the database holds for it (a cached token of an older generation is not used).
 */
export type TenantRef = string | { id: string; name?: string | null; tokenGeneration?: number };

/** The gateway's ref for a stored tenant (Entra id, name, token generation). */
export function tenantRefOf(t: { entraTenantId: string; displayName: string; tokenGeneration?: number }): {
  id: string;
  name: string;
  tokenGeneration?: number;
} {
  return { id: t.entraTenantId, name: t.displayName, tokenGeneration: t.tokenGeneration };
}

export function tenantIdOf(t: TenantRef): string {
  return typeof t === 'string' ? t : t.id;
}
function tenantNameOf(t: TenantRef): string | undefined {
  return typeof t === 'string' ? undefined : (t.name ?? undefined);
}

export interface GraphLimits {
  /** Requests in flight per tenant. */
  perTenantConcurrency: number;
  /** Requests in flight overall. */
  globalConcurrency: number;
  /** Identity resource units per 10 s per tenant (documented smallest tier: 3,500). */
  resourceUnitsPer10s: number;
  /** Identity writes per 150 s per tenant (documented: 3,000). */
  writesPer150s: number;
  /** Identity reports (sign-in logs) requests per 10 s per tenant (documented: 5). */
  reportsPer10s: number;
  /**
   * GETs of applications/servicePrincipals whose `$select` names keyCredentials (single objects,
   * lists and `$batch` items) per minute per tenant (documented: 150; "Get application").
   */
  keyCredentialReadsPerMinute: number;
  /** The window of that budget (60 s; tests shorten it). */
  keyCredentialReadsWindowMs: number;
  /** Across all tenants (the management app's own limits): any request per 10 s (documented: 130,000). */
  appRequestsPer10s: number;
  /** Identity resource units per 20 s across all tenants (documented: 150,000). */
  appResourceUnitsPer20s: number;
  /** Identity writes per 5 min across all tenants (documented: 35,000). */
  appWritesPer5min: number;
  /** Identity reports per 10 s across all tenants (documented: 122). */
  appReportsPer10s: number;
  /** Retries per request (or per batch item) after throttling / outages. */
  maxRetries: number;
  /** Wait when a retryable answer has no Retry-After: base × 2^attempt, capped. */
  baseRetryDelayMs: number;
  maxRetryDelayMs: number;
}

/** 80 % of the documented limits: the margin covers other apps' use of the same tenant buckets. */
export const DEFAULT_LIMITS: GraphLimits = {
  perTenantConcurrency: 4,
  globalConcurrency: 64,
  resourceUnitsPer10s: 2_800,
  writesPer150s: 2_400,
  reportsPer10s: 5,
  keyCredentialReadsPerMinute: 120,
  keyCredentialReadsWindowMs: 60_000,
  appRequestsPer10s: 104_000,
  appResourceUnitsPer20s: 120_000,
  appWritesPer5min: 28_000,
  appReportsPer10s: 97,
  maxRetries: 5,
  baseRetryDelayMs: 1_000,
  maxRetryDelayMs: 60_000,
};

export type GraphVersion = 'v1.0' | 'beta';
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface GraphCall {
  method: HttpMethod;
  /** Relative to the version ("/applications?$filter=…"), or an absolute `@odata.nextLink`. */
  path: string;
  version?: GraphVersion;
  body?: unknown;
  headers?: Record<string, string>;
  /** For messages: "read the applications". */
  operation: string;
  /** The permission this call needs (names it when Graph answers 403). */
  need?: PermissionNeed;
  /** Identity reports (sign-in logs) have their own, much smaller, limit. */
  report?: boolean;
}

export interface BatchItem {
  id: string;
  method: HttpMethod;
  /** Relative to the version, WITHOUT `/v1.0` (graph-facts §2.1). */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** What this item does and the permission it needs, when they differ from the batch's (named in its error). */
  operation?: string;
  need?: PermissionNeed;
}

export type BatchResult<T = unknown> =
  | { id: string; ok: true; status: number; body: T }
  | { id: string; ok: false; status: number; failure: GraphFailure; error: RekeyError };

export interface GatewayCounters {
  /** HTTP requests sent to Graph (a `$batch` counts once). */
  requests: number;
  batchItems: number;
  /** Re-sent requests or batch items. */
  retries: number;
  /** 429/503/504 answers seen, including batch items. */
  throttled: number;
  /** Times a request waited for the client-side budget, and for how long in total. */
  budgetWaits: number;
  budgetWaitMs: number;
  failures: number;
  /** Cached tokens dropped and re-acquired after a 401 or 403. */
  tokenRefreshes: number;
}

/**
 * A running count of the gateway's signs of saturation — throttled answers plus waits for a
 * client-side budget — for callers that adapt how many tenants they keep in flight (mapAdaptive).
 */
export function pressureOf(gateway: Pick<GraphGateway, 'counters'>): () => number {
  return () => gateway.counters.throttled + gateway.counters.budgetWaits;
}

export interface GraphGateway {
  readonly tokenProvider: TokenProvider;
  readonly graphEndpoint: string;
  readonly limits: GraphLimits;
  readonly counters: GatewayCounters;
  /** Tenants whose budget state the gateway holds now (idle ones are forgotten). */
  readonly tenantStates: number;
  /** One call; throws RekeyError (details: status, graphCode, transient). */
  request<T = unknown>(tenant: TenantRef, call: GraphCall): Promise<T>;
  /** Follows `@odata.nextLink` and returns every item (stops after `maxItems`). */
  listAll<T = unknown>(tenant: TenantRef, call: GraphCall, opts?: { maxItems?: number }): Promise<T[]>;
  /** `$batch` in chunks of 20; throttled items are retried (honouring their Retry-After). Results in input order. */
  batch<T = unknown>(
    tenant: TenantRef,
    items: BatchItem[],
    opts: { operation: string; need?: PermissionNeed; version?: GraphVersion },
  ): Promise<BatchResult<T>[]>;
  /** The management app's token for a tenant (throws NOT_CONSENTED etc.). */
  token(tenant: TenantRef): Promise<string>;
  resetCounters(): void;
}

export interface CreateGraphGatewayOptions {
  tokenProvider: TokenProvider;
  graphEndpoint: string;
  limits?: Partial<GraphLimits>;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Cost {
  ru: number;
  write: number;
  report: boolean;
  keyCredentialRead: boolean;
}

interface TenantState {
  slots: Semaphore;
  ru: TokenBucket;
  writes: TokenBucket;
  reports: TokenBucket;
  keyCredentialReads: TokenBucket;
  pausedUntil: number;
  lastUsed: number;
}

/**
 * A tenant's budget state is forgotten once nothing of it is in flight or paused and it has been
 * idle longer than the longest budget window (writes: 150 s): a new state then is what the old
 * one would have refilled to. Keeps memory flat over fleets of tens of thousands of tenants.
 */
const TENANT_STATE_IDLE_MS = 180_000;
const PRUNE_EVERY_NEW_STATES = 500;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resource-unit cost of a call (graph-facts §3.3): collection GET 2, other GET 1, $select −1, writes 1 (+1 write). */
export function resourceCost(method: HttpMethod, path: string): { ru: number; write: number } {
  if (path.startsWith('/$batch')) return { ru: 0, write: 0 };
  if (method !== 'GET') return { ru: 1, write: 1 };
  const [p = '', q = ''] = path.split('?');
  const segments = p.split('/').filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  const isCollection = segments.length % 2 === 1 && !last.includes('(');
  let ru = isCollection ? 2 : 1;
  if (/\$select=/.test(q)) ru -= 1;
  if (/\$expand=/.test(q)) ru += 1;
  return { ru: Math.max(1, ru), write: 0 };
}

/** A GET of applications/servicePrincipals (object or list) whose `$select` names keyCredentials (150/min per tenant). */
export function isKeyCredentialRead(method: HttpMethod, path: string): boolean {
  if (method !== 'GET') return false;
  const [p = '', q = ''] = path.split('?');
  const head = (p.split('/').filter(Boolean)[0] ?? '').toLowerCase();
  if (!head.startsWith('applications') && !head.startsWith('serviceprincipals')) return false;
  const select = /(?:^|&)\$select=([^&]*)/.exec(q)?.[1] ?? '';
  return /keycredentials/i.test(decodeURIComponent(select));
}

export function createGraphGateway(opts: CreateGraphGatewayOptions): GraphGateway {
  const limits: GraphLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const graphEndpoint = opts.graphEndpoint.replace(/\/+$/, '');
  const globalSlots = createSemaphore(limits.globalConcurrency);
  // The management app's limits across all tenants.
  const app = {
    requests: createTokenBucket({ capacity: limits.appRequestsPer10s, windowMs: 10_000, clock }),
    ru: createTokenBucket({ capacity: limits.appResourceUnitsPer20s, windowMs: 20_000, clock }),
    writes: createTokenBucket({ capacity: limits.appWritesPer5min, windowMs: 300_000, clock }),
    reports: createTokenBucket({ capacity: limits.appReportsPer10s, windowMs: 10_000, clock }),
  };
  const tenants = new Map<string, TenantState>();
  const counters: GatewayCounters = {
    requests: 0,
    batchItems: 0,
    retries: 0,
    throttled: 0,
    budgetWaits: 0,
    budgetWaitMs: 0,
    failures: 0,
    tokenRefreshes: 0,
  };
  const noRetry = new RetryHandlerOptions(0, 0, () => false);
  // The authProvider is never used: each request passes its tenant's token in its own options.
  const client = Client.initWithMiddleware({
    authProvider: {
      getAccessToken: () => Promise.reject(new Error('Rekey passes a per-tenant token with each request')),
    },
    baseUrl: `${graphEndpoint}/`,
    customHosts: new Set([new URL(graphEndpoint).hostname]),
  });

  let newStates = 0;
  function prune(now: number) {
    for (const [id, st] of tenants) {
      if (
        st.slots.active === 0 &&
        st.slots.waiting === 0 &&
        st.pausedUntil <= now &&
        now - st.lastUsed > TENANT_STATE_IDLE_MS
      )
        tenants.delete(id);
    }
  }

  function state(tenantId: string): TenantState {
    let s = tenants.get(tenantId);
    if (s) s.lastUsed = clock();
    if (!s) {
      if (++newStates % PRUNE_EVERY_NEW_STATES === 0) prune(clock());
      s = {
        slots: createSemaphore(limits.perTenantConcurrency),
        ru: createTokenBucket({ capacity: limits.resourceUnitsPer10s, windowMs: 10_000, clock }),
        writes: createTokenBucket({ capacity: limits.writesPer150s, windowMs: 150_000, clock }),
        reports: createTokenBucket({ capacity: limits.reportsPer10s, windowMs: 10_000, clock }),
        keyCredentialReads: createTokenBucket({
          capacity: limits.keyCredentialReadsPerMinute,
          windowMs: limits.keyCredentialReadsWindowMs,
          clock,
        }),
        pausedUntil: 0,
        lastUsed: clock(),
      };
      tenants.set(tenantId, s);
    }
    return s;
  }

  /** Reserves a call's cost in its tenant's and the app's buckets; the wait before it may be sent. */
  function reserve(s: TenantState, cost: Cost, countRequest: boolean): number {
    let wait = countRequest ? app.requests.reserve(1) : 0;
    if (cost.report) wait = Math.max(wait, s.reports.reserve(1), app.reports.reserve(1));
    else if (cost.ru > 0) {
      wait = Math.max(wait, s.ru.reserve(cost.ru), app.ru.reserve(cost.ru));
      if (cost.write) wait = Math.max(wait, s.writes.reserve(cost.write), app.writes.reserve(cost.write));
      if (cost.keyCredentialRead) wait = Math.max(wait, s.keyCredentialReads.reserve(1));
    }
    return wait;
  }

  async function waitBudget(s: TenantState, cost: Cost) {
    let wait = reserve(s, cost, true);
    wait = Math.max(wait, s.pausedUntil - clock());
    if (wait > 0) {
      counters.budgetWaits++;
      counters.budgetWaitMs += wait;
      await sleep(wait);
    }
  }

  function retryDelay(f: GraphFailure | undefined, attempt: number): number {
    if (f?.retryAfterMs !== undefined) return Math.min(f.retryAfterMs, limits.maxRetryDelayMs);
    return Math.min(limits.baseRetryDelayMs * 2 ** attempt, limits.maxRetryDelayMs);
  }

  function splitPath(call: GraphCall): { path: string; version: GraphVersion } {
    let path = call.path;
    let version = call.version ?? 'v1.0';
    if (/^https:\/\//i.test(path)) {
      const u = new URL(path);
      const m = /^\/(v1\.0|beta)(\/.*)$/.exec(u.pathname);
      if (!m) throw new RekeyError('GRAPH_ERROR', `Unexpected Graph link ${path}`);
      version = m[1] as GraphVersion;
      path = `${m[2]}${u.search}`;
    }
    return { path, version };
  }

  async function send(
    token: string,
    method: HttpMethod,
    path: string,
    version: GraphVersion,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<unknown> {
    const auth = new AuthenticationHandlerOptions({ getAccessToken: () => Promise.resolve(token) });
    let req = client.api(path).version(version).middlewareOptions([auth, noRetry]);
    if (headers) req = req.headers(headers);
    counters.requests++;
    switch (method) {
      case 'GET':
        return req.get();
      case 'POST':
        return req.post(body ?? {});
      case 'PATCH':
        return req.patch(body ?? {});
      case 'DELETE':
        return req.delete();
    }
  }

  async function token(tenant: TenantRef): Promise<string> {
    return opts.tokenProvider.getToken(
      tenantIdOf(tenant),
      undefined,
      tenantNameOf(tenant),
      typeof tenant === 'string' ? undefined : tenant.tokenGeneration,
    );
  }

  function errorContext(tenant: TenantRef, operation: string, need?: PermissionNeed) {
    const tenantId = tenantIdOf(tenant);
    return {
      tenantId,
      tenantName: tenantNameOf(tenant),
      operation,
      need,
      consentUrl: opts.tokenProvider.consentUrl(tenantId),
    };
  }

  async function request<T>(tenant: TenantRef, call: GraphCall): Promise<T> {
    const tenantId = tenantIdOf(tenant);
    const s = state(tenantId);
    const { path, version } = splitPath(call);
    const cost: Cost = {
      ...resourceCost(call.method, path),
      report: call.report === true,
      keyCredentialRead: isKeyCredentialRead(call.method, path),
    };
    const release = await s.slots.acquire();
    try {
      let refreshedToken = false;
      for (let attempt = 0; ; attempt++) {
        await waitBudget(s, cost);
        let tok: string;
        try {
          tok = await token(tenant);
        } catch (e) {
          // The token endpoint is briefly unavailable: back off and try again like a throttled call.
          if (isRekeyError(e) && e.details?.transient === true && attempt < limits.maxRetries) {
            counters.retries++;
            await sleep(retryDelay(undefined, attempt));
            continue;
          }
          throw e;
        }
        const releaseGlobal = await globalSlots.acquire();
        let failure: GraphFailure | null = null;
        let networkError: unknown = null;
        try {
          return (await send(tok, call.method, path, version, call.body, call.headers)) as T;
        } catch (e) {
          if (isRekeyError(e)) throw e;
          failure = toGraphFailure(e);
          if (!failure) networkError = e;
        } finally {
          releaseGlobal();
        }
        if (
          failure &&
          (failure.status === 401 || (failure.status === 403 && failure.code !== NON_PREMIUM_CODE)) &&
          !refreshedToken
        ) {
          // An expired or revoked token (401), or one issued before the tenant granted a permission
          // (403: roles are fixed in a token at issue): get a fresh one once before reporting.
          counters.tokenRefreshes++;
          opts.tokenProvider.forget(tenantId);
          refreshedToken = true;
          continue;
        }
        const retryable = failure
          ? isRetryableStatus(failure.status) && !(failure.status === 504 && call.method === 'POST')
          : call.method !== 'POST';
        if (failure && isRetryableStatus(failure.status)) counters.throttled++;
        if (retryable && attempt < limits.maxRetries) {
          const delay = retryDelay(failure ?? undefined, attempt);
          if (failure?.status === 429 && failure.retryAfterMs !== undefined)
            s.pausedUntil = Math.max(s.pausedUntil, clock() + delay);
          counters.retries++;
          await sleep(delay);
          continue;
        }
        counters.failures++;
        if (failure) throw mapGraphFailure(failure, errorContext(tenant, call.operation, call.need));
        throw new RekeyError(
          'GRAPH_UNAVAILABLE',
          `Microsoft Graph could not be reached for tenant ${tenantNameOf(tenant) ?? tenantId} while trying to ${call.operation}: ${(networkError as Error)?.message ?? String(networkError)}; Rekey will try again later.`,
          { tenantId, operation: call.operation, transient: true },
          { cause: networkError },
        );
      }
    } finally {
      release();
    }
  }

  async function listAll<T>(tenant: TenantRef, call: GraphCall, o: { maxItems?: number } = {}): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = call.path;
    while (next) {
      const page: { value?: T[]; '@odata.nextLink'?: string } = await request(tenant, { ...call, path: next });
      items.push(...(page.value ?? []));
      if (o.maxItems !== undefined && items.length >= o.maxItems) return items.slice(0, o.maxItems);
      next = page['@odata.nextLink'];
    }
    return items;
  }

  async function batch<T>(
    tenant: TenantRef,
    items: BatchItem[],
    o: { operation: string; need?: PermissionNeed; version?: GraphVersion },
  ): Promise<BatchResult<T>[]> {
    const results = new Map<string, BatchResult<T>>();
    let pending = items.slice();
    // Give up on throttled items only after `maxRetries` rounds in a row without any progress:
    // when the server admits a few items per Retry-After, contention is not failure.
    let stalledRounds = 0;
    let rounds = 0;
    const ctx = errorContext(tenant, o.operation, o.need);
    // An item that names its own operation or permission has its errors named by them.
    const contextOf = (it: BatchItem) =>
      it.operation || it.need ? errorContext(tenant, it.operation ?? o.operation, it.need ?? o.need) : ctx;
    const s = state(tenantIdOf(tenant));
    while (pending.length > 0) {
      const retryLater: BatchItem[] = [];
      let wait = 0;
      for (let i = 0; i < pending.length; i += 20) {
        const chunk = pending.slice(i, i + 20);
        // The $batch POST itself costs nothing: each item is charged as if it were sent alone.
        // Reservations queue up, so the last one's wait covers the whole chunk.
        let w = 0;
        for (const it of chunk) {
          const c = resourceCost(it.method, it.url);
          const cost = { ...c, report: false, keyCredentialRead: isKeyCredentialRead(it.method, it.url) };
          w = Math.max(w, reserve(s, cost, false));
        }
        if (w > 0) {
          counters.budgetWaits++;
          counters.budgetWaitMs += w;
          await sleep(w);
        }
        counters.batchItems += chunk.length;
        const body = {
          requests: chunk.map((it) => ({
            id: it.id,
            method: it.method,
            url: it.url,
            ...(it.body !== undefined
              ? { body: it.body, headers: { 'Content-Type': 'application/json', ...it.headers } }
              : it.headers
                ? { headers: it.headers }
                : {}),
          })),
        };
        const res = await request<{
          responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
        }>(tenant, {
          method: 'POST',
          path: '/$batch',
          version: o.version,
          body,
          operation: o.operation,
          need: o.need,
        });
        const byId = new Map((res.responses ?? []).map((r) => [String(r.id).toLowerCase(), r]));
        for (const it of chunk) {
          const r = byId.get(it.id.toLowerCase());
          if (!r) {
            const f: GraphFailure = {
              status: 502,
              code: 'MissingBatchResponse',
              message: `no response for batch item ${it.id}`,
            };
            results.set(it.id, {
              id: it.id,
              ok: false,
              status: 502,
              failure: f,
              error: mapGraphFailure(f, contextOf(it)),
            });
            continue;
          }
          if (r.status >= 200 && r.status < 300) {
            results.set(it.id, { id: it.id, ok: true, status: r.status, body: r.body as T });
            continue;
          }
          const f = batchItemFailure(r);
          if (isRetryableStatus(r.status)) counters.throttled++;
          if (isRetryableStatus(r.status) && stalledRounds < limits.maxRetries && rounds < limits.maxRetries * 20) {
            retryLater.push(it);
            wait = Math.max(wait, retryDelay(f, stalledRounds));
            continue;
          }
          counters.failures++;
          results.set(it.id, {
            id: it.id,
            ok: false,
            status: r.status,
            failure: f,
            error: mapGraphFailure(f, contextOf(it)),
          });
        }
      }
      rounds++;
      stalledRounds = retryLater.length === pending.length ? stalledRounds + 1 : 0;
      pending = retryLater;
      if (pending.length > 0) {
        counters.retries += pending.length;
        s.pausedUntil = Math.max(s.pausedUntil, clock() + wait);
        await sleep(wait);
      }
    }
    return items.map((it) => results.get(it.id)!);
  }

  return {
    tokenProvider: opts.tokenProvider,
    graphEndpoint,
    limits,
    counters,
    get tenantStates() {
      return tenants.size;
    },
    request,
    listAll,
    batch,
    token,
    resetCounters() {
      for (const k of Object.keys(counters) as (keyof GatewayCounters)[]) counters[k] = 0;
    },
  };
}
