/** What detection scans take besides the use-case context (lib/use-case.ts) and their selection. */
export interface ScanOptions {
  /** Tenants scanned at the same time (Graph limits are per tenant; default 8). */
  concurrency?: number;
  /** Told how many tenants a scan selected, then once per tenant scanned (progress of long scans). */
  progress?: { start(total: number): void | Promise<void>; tick(): void };
  /** With this, concurrency starts at `concurrency` and adapts up to `maxConcurrency` (mapAdaptive). */
  pressure?: () => number;
  maxConcurrency?: number;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

export interface AdaptiveOptions {
  /** Items in flight at first (default 8). */
  start?: number;
  /** Never more than this many in flight (default 64, the gateway's global concurrency). */
  max?: number;
  /**
   * A running count of signs of saturation (the gateway's throttled answers plus its budget waits):
   * when it grew during a round the pool halves, otherwise it grows by `start` (AIMD).
   */
  pressure: () => number;
  /** Told after each item (progress of long runs). */
  onDone?: () => void;
}

/**
 * As mapPool, with the number in flight adapted to what Graph and the gateway's client-side budgets
 * admit: it grows while a round of completions saw no throttling and no budget wait, and halves when
 * one did. Graph's documented limits, not a fixed number, then bound a fleet-wide run.
 */
export async function mapAdaptive<T, R>(items: T[], opts: AdaptiveOptions, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  const start = Math.max(1, opts.start ?? 8);
  const max = Math.max(start, opts.max ?? 64);
  let limit = start;
  let next = 0;
  let inFlight = 0;
  let roundDone = 0;
  let roundPressure = opts.pressure();
  return new Promise<R[]>((resolve, reject) => {
    let failed = false;
    const launch = () => {
      while (!failed && inFlight < limit && next < items.length) {
        const i = next++;
        inFlight++;
        fn(items[i]!).then(
          (r) => {
            out[i] = r;
            inFlight--;
            opts.onDone?.();
            if (++roundDone >= limit) {
              const p = opts.pressure();
              limit = p > roundPressure ? Math.max(1, Math.floor(limit / 2)) : Math.min(max, limit + start);
              roundPressure = p;
              roundDone = 0;
            }
            if (next >= items.length && inFlight === 0) resolve(out);
            else launch();
          },
          (e: unknown) => {
            failed = true;
            reject(e);
          },
        );
      }
    };
    if (items.length === 0) resolve(out);
    else launch();
  });
}
