/**
 * What detection use cases take besides their input: who calls (a principal, or 'system' for the
 * CLI on the server and jobs), the audit actor, the time (a parameter), and optionally the Graph
 * wiring and database (tests and the worker pass their own).
 */
import type { Actor } from '@/lib/audit/append-audit-event';
import { db as defaultDb, type Db } from '@/lib/db';
import type { Caller } from '@/lib/detection/detection-access';
import { getGraphEnvironment, type GraphEnvironment } from '@/lib/graph/graph-environment';

export interface ScanContext {
  caller: Caller;
  actor: Actor;
  now: Date;
  graph?: GraphEnvironment;
  db?: Db;
  /** Tenants scanned at the same time (Graph limits are per tenant; default 8). */
  concurrency?: number;
}

export const dbOf = (ctx: { db?: Db }): Db => ctx.db ?? defaultDb;
export const graphOf = (ctx: { graph?: GraphEnvironment }): GraphEnvironment => ctx.graph ?? getGraphEnvironment();

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
