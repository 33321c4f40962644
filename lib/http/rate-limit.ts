/**
 * In-memory token buckets, per process. Good enough for one web instance (the embedded default
 * and small deployments); with several instances each keeps its own buckets, so the effective
 * limit is per instance — put a rate-limiting proxy in front for a hard global limit.
 *
 * The key is the client's address (lib/http/request-context.ts `rateLimitKeyFrom`: the socket
 * address from `npm start`'s front listener, or the trusted proxy's entry; never a header the
 * client chose). Each request takes a token from its address's bucket FIRST, and only a request
 * its own bucket allows takes one from the global bucket: an address over its limit is refused
 * without touching the global bucket, so one address can use at most its own limit of it and can
 * never lock the others out. The global bucket (20 addresses' worth by default) bounds the total
 * when very many addresses sign in at once.
 */
export interface BucketSpec {
  /** Tokens added per minute (and the burst size). */
  perMinute: number;
  burst?: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly spec: BucketSpec,
    private readonly globalSpec: BucketSpec | null = { perMinute: spec.perMinute * 20 },
    private readonly maxKeys = 10_000,
  ) {}

  private take(key: string, spec: BucketSpec, nowMs: number): { ok: boolean; retryAfterSeconds: number } {
    const burst = spec.burst ?? spec.perMinute;
    const ratePerMs = spec.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: burst, updated: nowMs };
    b.tokens = Math.min(burst, b.tokens + Math.max(0, nowMs - b.updated) * ratePerMs);
    b.updated = nowMs;
    this.buckets.delete(key); // re-insert: Map order doubles as LRU order
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, retryAfterSeconds: 0 };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000)) };
  }

  /** Takes one token for `key` (and one from the global bucket). */
  check(key: string, nowMs: number): { ok: boolean; retryAfterSeconds: number } {
    const own = this.take(`k:${key}`, this.spec, nowMs);
    if (!own.ok) return own;
    if (this.globalSpec) {
      const all = this.take('global', this.globalSpec, nowMs);
      if (!all.ok) return all;
    }
    return own;
  }
}

// On globalThis: the sign-in limiter's counts must outlive a Next development reload of the route
// modules (and be one limiter for both routes), or a reload would reset an attacker's budget.
const globalForLimits = globalThis as unknown as { __rekeySignInLimiter?: RateLimiter };

/** The sign-in limiter (shared by /auth/sign-in and /auth/callback). */
export function signInLimiter(perMinute: number): RateLimiter {
  globalForLimits.__rekeySignInLimiter ??= new RateLimiter({ perMinute });
  return globalForLimits.__rekeySignInLimiter;
}
