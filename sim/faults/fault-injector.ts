// Fault injection for tests and benchmarks: fail the next N requests or a fraction, add latency,
// take the token endpoint down, drop connections.
export type FaultTarget = 'graph' | 'token' | 'all';

export interface FailRule {
  status: number;
  retryAfterSeconds: number | null;
  target: FaultTarget;
}

export interface FaultDecision {
  drop: boolean;
  delayMs: number;
  fail: FailRule | null;
  /** Token endpoint down: seconds remaining. */
  tokenDownSeconds: number | null;
}

export interface FaultState {
  failNext: { remaining: number; rule: FailRule } | null;
  failFraction: { fraction: number; rule: FailRule } | null;
  latencyMs: number;
  latencyJitterMs: number;
  tokenDownUntil: number | null;
  dropFraction: number;
  dropTarget: FaultTarget;
}

function applies(target: FaultTarget, kind: 'graph' | 'token'): boolean {
  return target === 'all' || target === kind;
}

export class FaultInjector {
  state: FaultState;
  constructor(
    private readonly now: () => number,
    private readonly random: () => number = Math.random,
    private readonly baseLatencyMs = 0,
  ) {
    this.state = FaultInjector.empty(baseLatencyMs);
  }

  static empty(latencyMs = 0): FaultState {
    return {
      failNext: null,
      failFraction: null,
      latencyMs,
      latencyJitterMs: 0,
      tokenDownUntil: null,
      dropFraction: 0,
      dropTarget: 'all',
    };
  }

  /** Fail the next `count` matching requests with `status` (e.g. 429, 503). */
  failNext(
    count: number,
    status: number,
    opts: { retryAfterSeconds?: number | null; target?: FaultTarget } = {},
  ): void {
    this.state.failNext =
      count > 0
        ? {
            remaining: count,
            rule: {
              status,
              retryAfterSeconds: opts.retryAfterSeconds ?? (status === 429 || status === 503 ? 1 : null),
              target: opts.target ?? 'all',
            },
          }
        : null;
  }

  /** Fail a random `fraction` (0..1) of matching requests until cleared. */
  failFraction(
    fraction: number,
    status: number,
    retryAfterSeconds: number | null = 1,
    target: FaultTarget = 'all',
  ): void {
    this.state.failFraction = fraction > 0 ? { fraction, rule: { status, retryAfterSeconds, target } } : null;
  }

  latency(ms: number, jitterMs = 0): void {
    this.state.latencyMs = Math.max(0, ms);
    this.state.latencyJitterMs = Math.max(0, jitterMs);
  }

  tokenEndpointDown(seconds: number): void {
    this.state.tokenDownUntil = seconds > 0 ? this.now() + seconds * 1000 : null;
  }

  dropConnections(fraction: number, target: FaultTarget = 'all'): void {
    this.state.dropFraction = Math.max(0, Math.min(1, fraction));
    this.state.dropTarget = target;
  }

  /** Clears every fault, including injected latency, back to the configured base latency. */
  clear(): void {
    this.state = FaultInjector.empty(this.baseLatencyMs);
  }

  decide(kind: 'graph' | 'token'): FaultDecision {
    const s = this.state;
    const delayMs = s.latencyMs + (s.latencyJitterMs > 0 ? Math.floor(this.random() * s.latencyJitterMs) : 0);
    const decision: FaultDecision = { drop: false, delayMs, fail: null, tokenDownSeconds: null };
    if (s.dropFraction > 0 && applies(s.dropTarget, kind) && this.random() < s.dropFraction) {
      decision.drop = true;
      return decision;
    }
    if (kind === 'token' && s.tokenDownUntil !== null) {
      const remaining = (s.tokenDownUntil - this.now()) / 1000;
      if (remaining > 0) {
        decision.tokenDownSeconds = remaining;
        return decision;
      }
      s.tokenDownUntil = null;
    }
    if (s.failNext && applies(s.failNext.rule.target, kind)) {
      decision.fail = s.failNext.rule;
      s.failNext.remaining -= 1;
      if (s.failNext.remaining <= 0) s.failNext = null;
      return decision;
    }
    if (s.failFraction && applies(s.failFraction.rule.target, kind) && this.random() < s.failFraction.fraction) {
      decision.fail = s.failFraction.rule;
    }
    return decision;
  }
}
