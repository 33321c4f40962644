// The fault surface of the in-process simulator (`SimHandle.faults`; the control API's /_sim/faults
// drives the same calls): a thin face over the FaultInjector every Graph and token request consults.
import type { FaultInjector, FaultState, FaultTarget } from './fault-injector';

export interface SimFaults {
  failNext(count: number, status: number, opts?: { retryAfterSeconds?: number | null; target?: FaultTarget }): void;
  failFraction(fraction: number, status: number, retryAfterSeconds?: number | null, target?: FaultTarget): void;
  latency(ms: number, jitterMs?: number): void;
  tokenEndpointDown(seconds: number): void;
  dropConnections(fraction: number, target?: FaultTarget): void;
  clear(): void;
  state(): FaultState;
}

export function createSimFaults(injector: FaultInjector): SimFaults {
  return {
    failNext: (count, status, o) => injector.failNext(count, status, o),
    failFraction: (fraction, status, retryAfterSeconds, target) =>
      injector.failFraction(fraction, status, retryAfterSeconds ?? 1, target),
    latency: (ms, jitter) => injector.latency(ms, jitter),
    tokenEndpointDown: (seconds) => injector.tokenEndpointDown(seconds),
    dropConnections: (fraction, target) => injector.dropConnections(fraction, target),
    clear: () => injector.clear(),
    state: () => injector.state,
  };
}
