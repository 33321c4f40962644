/**
 * What /api/health reports and the admin banner shows: the database, the job workers' heartbeats,
 * the queues' depth and the supervisor's view of its children (restarts, crash loops). Pure
 * reads; `now` is a parameter.
 */
import type { ProcessHeartbeat } from '@/generated/prisma/client';
import { epochMsSql, jsonRowsSql, Prisma, queryRows, type Db } from '@/lib/db';
import { HEARTBEAT_INTERVAL_MS } from '@/lib/ops/process-heartbeat';

/** A worker that has not beaten for this long is presumed gone (four missed beats). */
export const WORKER_STALE_MS = 4 * HEARTBEAT_INTERVAL_MS;

export interface SupervisedChild {
  name: string;
  pid: number | null;
  running: boolean;
  restarts: number;
  crashLoop: boolean;
  exitsInWindow: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
}

export interface SystemHealth {
  ok: boolean;
  /** Reasons an admin should act, in words (empty when all is well). */
  problems: string[];
  database: { ok: boolean; latencyMs: number | null };
  workers: { id: string; host: string; pid: number; startedAt: string; heartbeatAgeSeconds: number }[];
  /** Age of the freshest worker heartbeat (null: no worker has ever reported). */
  workerHeartbeatAgeSeconds: number | null;
  queues: { waiting: number; active: number; failedLastHour: number; oldestWaitingSeconds: number | null } | null;
  supervisors: { host: string; pid: number; heartbeatAgeSeconds: number; children: SupervisedChild[] }[];
  crashLoop: boolean;
}

const ageSeconds = (now: Date, then: Date) => Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));

/** The newest heartbeats, as readHeartbeats and the shell's banner read (one indexed query). */
const HEARTBEATS_LIMIT = 200;

/**
 * The heartbeats as one JSON array (times as epoch ms), for a statement that reads more than them
 * (lib/ops/health-report.ts: the dashboard shell's banners); `heartbeatsFromJson` reads it back.
 */
export const heartbeatsJsonSql = jsonRowsSql(
  Prisma.sql`SELECT id, kind, host, pid, ${epochMsSql('"startedAt"')} AS "startedMs", ${epochMsSql('"beatAt"')} AS "beatMs", detail
    FROM "ProcessHeartbeat" ORDER BY "beatAt" DESC LIMIT ${HEARTBEATS_LIMIT}`,
  'x."beatMs" DESC, x.id',
);

export type HeartbeatsJson = (Omit<ProcessHeartbeat, 'startedAt' | 'beatAt'> & { startedMs: number; beatMs: number })[];

export function heartbeatsFromJson(rows: HeartbeatsJson): ProcessHeartbeat[] {
  return rows.map(({ startedMs, beatMs, ...b }) => ({
    ...b,
    startedAt: new Date(startedMs),
    beatAt: new Date(beatMs),
  }));
}

type HeartbeatSummary = Pick<
  SystemHealth,
  'workers' | 'workerHeartbeatAgeSeconds' | 'supervisors' | 'crashLoop' | 'problems'
>;

/** The heartbeat half of the report: cheap (one indexed query), for /api/health. */
export async function readHeartbeats(db: Db, now: Date): Promise<HeartbeatSummary> {
  // Raw on the direct pool (ADR 038); the same read the shell's banners embed.
  const [row] = await queryRows<{ beats: HeartbeatsJson }>(db, Prisma.sql`SELECT ${heartbeatsJsonSql} AS beats`);
  return summarizeHeartbeats(heartbeatsFromJson(row!.beats), now);
}

/** Live workers and supervisors, and what an admin should act on, from the newest heartbeats first. */
export function summarizeHeartbeats(beats: ProcessHeartbeat[], now: Date): HeartbeatSummary {
  const live = beats.filter((b) => now.getTime() - b.beatAt.getTime() <= WORKER_STALE_MS);
  const workers = live
    .filter((b) => b.kind === 'worker')
    .map((b) => ({
      id: b.id,
      host: b.host,
      pid: b.pid,
      startedAt: b.startedAt.toISOString(),
      heartbeatAgeSeconds: ageSeconds(now, b.beatAt),
    }));
  const newestWorker = beats.find((b) => b.kind === 'worker');
  const supervisors = live
    .filter((b) => b.kind === 'supervisor')
    .map((b) => ({
      host: b.host,
      pid: b.pid,
      heartbeatAgeSeconds: ageSeconds(now, b.beatAt),
      children: ((b.detail as { children?: SupervisedChild[] } | null)?.children ?? []).map((c) => ({
        name: c.name,
        pid: c.pid,
        running: c.running,
        restarts: c.restarts,
        crashLoop: c.crashLoop,
        exitsInWindow: c.exitsInWindow,
        lastExit: c.lastExit ? { code: c.lastExit.code, signal: c.lastExit.signal, at: c.lastExit.at } : null,
      })),
    }));
  const problems: string[] = [];
  const looping = supervisors.flatMap((s) =>
    s.children.filter((c) => c.crashLoop).map((c) => `${c.name} on ${s.host}`),
  );
  if (looping.length)
    problems.push(`Crash loop: ${looping.join(', ')} keeps exiting and being restarted. Check the server log.`);
  if (workers.length === 0)
    problems.push(
      newestWorker
        ? `No job worker has reported for ${Math.max(1, Math.round(ageSeconds(now, newestWorker.beatAt) / 60))} min: rotations, campaigns and scans are not running.`
        : 'No job worker has reported yet: rotations, campaigns and scans are not running.',
    );
  return {
    workers,
    workerHeartbeatAgeSeconds: newestWorker ? ageSeconds(now, newestWorker.beatAt) : null,
    supervisors,
    crashLoop: looping.length > 0,
    problems,
  };
}

export async function getSystemHealth(db: Db, now: Date): Promise<SystemHealth> {
  const started = performance.now();
  try {
    await db.$queryRaw`SELECT 1`;
  } catch {
    return {
      ok: false,
      problems: ['The database cannot be reached.'],
      database: { ok: false, latencyMs: null },
      workers: [],
      workerHeartbeatAgeSeconds: null,
      queues: null,
      supervisors: [],
      crashLoop: false,
    };
  }
  const latencyMs = Math.round(performance.now() - started);
  const beats = await readHeartbeats(db, now);
  const queues = await queueDepth(db, now);
  return { ok: beats.problems.length === 0, ...beats, database: { ok: true, latencyMs }, queues };
}

async function queueDepth(db: Db, now: Date): Promise<SystemHealth['queues']> {
  try {
    const [row] = await db.$queryRaw<
      { waiting: bigint; active: bigint; failed: bigint; oldest: Date | null }[]
    >`SELECT count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()) AS waiting,
             count(*) FILTER (WHERE state = 'active') AS active,
             count(*) FILTER (WHERE state = 'failed' AND completed_on > now() - interval '1 hour') AS failed,
             min(created_on) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()) AS oldest
      FROM pgboss.job`;
    return {
      waiting: Number(row?.waiting ?? 0),
      active: Number(row?.active ?? 0),
      failedLastHour: Number(row?.failed ?? 0),
      oldestWaitingSeconds: row?.oldest ? ageSeconds(now, row.oldest) : null,
    };
  } catch {
    return null;
  }
}
