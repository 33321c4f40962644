/**
 * Heartbeats of long-running processes in "ProcessHeartbeat": each job worker every 15 s, and
 * `npm start`'s supervisor (with its children's restarts and crash loops in `detail`). Written
 * over a one-connection pg pool of its own, so a busy Prisma pool cannot delay a beat and the
 * supervisor needs no Prisma at all. /api/health and the admin banner read them
 * (lib/ops/get-system-health.ts).
 */
import os from 'node:os';
import pg from 'pg';

export type ProcessKind = 'worker' | 'supervisor';

export const HEARTBEAT_INTERVAL_MS = 15_000;

export interface Heartbeat {
  readonly id: string;
  /** Replaces `detail` and beats now. */
  update(detail: unknown): Promise<void>;
  /** Stops beating and removes the row (a clean stop is not a silent worker). */
  stop(): Promise<void>;
}

export interface HeartbeatOptions {
  connectionString: string;
  kind: ProcessKind;
  intervalMs?: number;
  detail?: unknown;
  now?(): Date;
  onError?(e: Error): void;
}

export async function startHeartbeat(opts: HeartbeatOptions): Promise<Heartbeat> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  const host = os.hostname();
  const id = `${opts.kind}:${host}:${process.pid}:${startedAt.getTime()}`;
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: 1, idleTimeoutMillis: 60_000 });
  pool.on('error', (e) => opts.onError?.(e));
  let detail: unknown = opts.detail ?? null;
  let stopped = false;
  const beat = async () => {
    if (stopped) return;
    await pool.query(
      `INSERT INTO "ProcessHeartbeat" (id, kind, host, pid, "startedAt", "beatAt", detail)
       VALUES ($1, $2, $3, $4, $5::timestamptz AT TIME ZONE 'UTC', $6::timestamptz AT TIME ZONE 'UTC', $7::jsonb)
       ON CONFLICT (id) DO UPDATE SET "beatAt" = EXCLUDED."beatAt", detail = EXCLUDED.detail`,
      [id, opts.kind, host, process.pid, startedAt.toISOString(), now().toISOString(), JSON.stringify(detail)],
    );
  };
  await beat();
  const timer = setInterval(() => {
    beat().catch((e: Error) => opts.onError?.(e));
  }, opts.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    id,
    async update(d) {
      detail = d;
      await beat();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await pool.query('DELETE FROM "ProcessHeartbeat" WHERE id = $1', [id]).catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
