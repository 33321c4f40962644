// Token-bucket throttling per learn.microsoft.com/graph/throttling-limits: the global limit per app
// across all tenants, and for the identity and access service resource units and writes per
// app+tenant, per app across tenants, writes per tenant, the identity reports (sign-in logs) limits,
// and the 150/min per tenant limit on reads that `$select` keyCredentials (lists and single objects:
// "List applications", "Get application", "Get servicePrincipal").
export type TenantSize = 'S' | 'M' | 'L';

export interface ThrottleLimits {
  /** RU per 10 s per app+tenant, by tenant size (S < 50 users, M 50–500, L > 500). */
  ruPerAppTenant: Record<TenantSize, number>;
  ruWindowMs: number;
  writesPerAppTenant: number;
  writesPerAppTenantWindowMs: number;
  ruPerApp: number;
  ruPerAppWindowMs: number;
  writesPerApp: number;
  writesPerAppWindowMs: number;
  writesPerTenant: number;
  writesPerTenantWindowMs: number;
  reportsPerAppTenant: number;
  reportsPerApp: number;
  reportsWindowMs: number;
  /** `$select=keyCredentials` on applications/servicePrincipals (lists and single objects): 150/min per tenant. */
  keyCredentialReadsPerTenant: number;
  keyCredentialReadsWindowMs: number;
  /** Global: any request, per app across all tenants (130,000 per 10 s). */
  requestsPerApp: number;
  requestsPerAppWindowMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  ruPerAppTenant: { S: 3500, M: 5000, L: 8000 },
  ruWindowMs: 10_000,
  writesPerAppTenant: 3000,
  writesPerAppTenantWindowMs: 150_000,
  ruPerApp: 150_000,
  ruPerAppWindowMs: 20_000,
  writesPerApp: 35_000,
  writesPerAppWindowMs: 300_000,
  writesPerTenant: 18_000,
  writesPerTenantWindowMs: 300_000,
  reportsPerAppTenant: 5,
  reportsPerApp: 122,
  reportsWindowMs: 10_000,
  keyCredentialReadsPerTenant: 150,
  keyCredentialReadsWindowMs: 60_000,
  requestsPerApp: 130_000,
  requestsPerAppWindowMs: 10_000,
};

class TokenBucket {
  tokens: number;
  last: number;
  constructor(
    readonly capacity: number,
    readonly windowMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }
  refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.windowMs);
    this.last = now;
  }
  /** ms until `n` tokens are available (0 = now). */
  waitFor(n: number, now: number): number {
    this.refill(now);
    if (this.tokens >= n) return 0;
    return Math.ceil(((n - this.tokens) * this.windowMs) / this.capacity);
  }
  take(n: number): void {
    this.tokens -= n;
  }
  usage(): number {
    return 1 - this.tokens / this.capacity;
  }
}

export interface ThrottleRequest {
  appId: string;
  tenantId: string;
  tenantSize: TenantSize;
  ru: number;
  write: boolean;
  report: boolean;
  /** A GET of applications/servicePrincipals (collection or single object) whose `$select` names keyCredentials. */
  keyCredentialRead: boolean;
}

export type ThrottleDecision =
  | { ok: true; ru: number; limitPercentage: number | null }
  | { ok: false; retryAfterSeconds: number; scope: string; information: string };

export class Throttler {
  enabled: boolean;
  limits: ThrottleLimits;
  private buckets = new Map<string, TokenBucket>();

  constructor(enabled: boolean, limits: Partial<ThrottleLimits> = {}) {
    this.enabled = enabled;
    this.limits = { ...DEFAULT_THROTTLE_LIMITS, ...limits };
  }

  configure(enabled: boolean | undefined, limits: Partial<ThrottleLimits> | undefined): void {
    if (enabled !== undefined) this.enabled = enabled;
    if (limits) this.limits = { ...this.limits, ...limits };
    this.buckets.clear();
  }

  reset(): void {
    this.buckets.clear();
  }

  private bucket(key: string, capacity: number, windowMs: number, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b || b.capacity !== capacity || b.windowMs !== windowMs) {
      b = new TokenBucket(capacity, windowMs, now);
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Checks every applicable bucket first and consumes only when all admit the request. */
  check(req: ThrottleRequest, now: number): ThrottleDecision {
    if (!this.enabled) return { ok: true, ru: req.ru, limitPercentage: null };
    const L = this.limits;
    const pair = `${req.appId}/${req.tenantId}`;
    const checks: { bucket: TokenBucket; n: number; scope: string; information: string }[] = [
      {
        bucket: this.bucket(`all:${req.appId}`, L.requestsPerApp, L.requestsPerAppWindowMs, now),
        n: 1,
        scope: `Application/Global/${req.appId}`,
        information: 'RequestLimitExceeded',
      },
    ];
    if (req.report) {
      checks.push({
        bucket: this.bucket(`rep:${pair}`, L.reportsPerAppTenant, L.reportsWindowMs, now),
        n: 1,
        scope: `Tenant_Application/Reports/${req.appId}/${req.tenantId}`,
        information: 'ResourceUnitLimitExceeded',
      });
      checks.push({
        bucket: this.bucket(`rep:${req.appId}`, L.reportsPerApp, L.reportsWindowMs, now),
        n: 1,
        scope: `Application/Reports/${req.appId}`,
        information: 'ResourceUnitLimitExceeded',
      });
    } else {
      checks.push({
        bucket: this.bucket(`ru:${pair}`, L.ruPerAppTenant[req.tenantSize], L.ruWindowMs, now),
        n: req.ru,
        scope: `Tenant_Application/ReadWrite/${req.appId}/${req.tenantId}`,
        information: 'ResourceUnitLimitExceeded',
      });
      checks.push({
        bucket: this.bucket(`ru:${req.appId}`, L.ruPerApp, L.ruPerAppWindowMs, now),
        n: req.ru,
        scope: `Application/ReadWrite/${req.appId}`,
        information: 'ResourceUnitLimitExceeded',
      });
      if (req.write) {
        checks.push({
          bucket: this.bucket(`w:${pair}`, L.writesPerAppTenant, L.writesPerAppTenantWindowMs, now),
          n: 1,
          scope: `Tenant_Application/ReadWrite/${req.appId}/${req.tenantId}`,
          information: 'WriteLimitExceeded',
        });
        checks.push({
          bucket: this.bucket(`w:${req.appId}`, L.writesPerApp, L.writesPerAppWindowMs, now),
          n: 1,
          scope: `Application/ReadWrite/${req.appId}`,
          information: 'WriteLimitExceeded',
        });
        checks.push({
          bucket: this.bucket(`wt:${req.tenantId}`, L.writesPerTenant, L.writesPerTenantWindowMs, now),
          n: 1,
          scope: `Tenant/ReadWrite/${req.tenantId}`,
          information: 'WriteLimitExceeded',
        });
      }
      if (req.keyCredentialRead) {
        checks.push({
          bucket: this.bucket(`kcr:${req.tenantId}`, L.keyCredentialReadsPerTenant, L.keyCredentialReadsWindowMs, now),
          n: 1,
          scope: `Tenant/ReadWrite/${req.tenantId}`,
          information: 'ResourceUnitLimitExceeded',
        });
      }
    }
    let worst: (typeof checks)[number] | null = null;
    let worstWait = 0;
    for (const c of checks) {
      const wait = c.bucket.waitFor(c.n, now);
      if (wait > worstWait) {
        worstWait = wait;
        worst = c;
      }
    }
    if (worst) {
      return {
        ok: false,
        retryAfterSeconds: Math.max(0.1, Math.round(worstWait / 100) / 10),
        scope: worst.scope,
        information: worst.information,
      };
    }
    for (const c of checks) c.bucket.take(c.n);
    // x-ms-throttle-limit-percentage reports the app+tenant resource-unit bucket (or the reports one).
    const usage = checks[1]?.bucket.usage() ?? 0;
    return { ok: true, ru: req.ru, limitPercentage: usage >= 0.8 ? Math.round(usage * 10) / 10 : null };
  }
}

/** Base RU cost (throttling-limits: GET applications collection = 2, other GET = 1, writes = 1 + a write). */
export function resourceUnitCost(method: string, isApplicationsCollection: boolean, query: URLSearchParams): number {
  let cost = method === 'GET' && isApplicationsCollection ? 2 : 1;
  if (query.has('$select')) cost -= 1;
  if (query.has('$expand')) cost += 1;
  const top = Number(query.get('$top'));
  if (query.has('$top') && top < 20) cost -= 1;
  return Math.max(1, cost);
}
