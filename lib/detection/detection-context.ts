/** What detection scans take besides the use-case context (lib/use-case.ts) and their selection. */
export interface ScanOptions {
  /** Tenants scanned at the same time (Graph limits are per tenant; default 8). */
  concurrency?: number;
  /** Told how many tenants a scan selected, then once per tenant scanned (progress of long scans). */
  progress?: { start(total: number): void | Promise<void>; tick(): void };
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
