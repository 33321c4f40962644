/**
 * pg-boss's schema and queues. pg-boss 10 only inserts a job when its queue exists (the insert
 * joins the queue table and silently inserts nothing otherwise), so every process that enqueues
 * makes sure the schema is installed and the queue created first — once per process and queue.
 */
import PgBoss from 'pg-boss';
import { RekeyError } from '@/lib/errors';
import type { JobDefinition } from '@/lib/jobs/job-definition';

export const JOB_SCHEMA = 'pgboss';

interface State {
  url: string;
  boss: PgBoss;
  started: Promise<void>;
  queues: Map<string, Promise<void>>;
}

// On globalThis, not a module variable: a Next development reload re-evaluates this module, and a
// second PgBoss would open a second pool and re-run its schema checks; the one started is reused.
const globalForJobs = globalThis as unknown as { __rekeyJobQueues?: State };

function connectionString(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new RekeyError('CONFIG', 'DATABASE_URL is not set; jobs cannot be queued.');
  return url;
}

function state(): State {
  const url = connectionString();
  const cur = globalForJobs.__rekeyJobQueues;
  if (cur && cur.url === url) return cur;
  // A small pg-boss instance for installing the schema and creating queues (no polling, no maintenance).
  const boss = new PgBoss({
    connectionString: url,
    schema: JOB_SCHEMA,
    max: 2,
    supervise: false,
    schedule: false,
    // Installed by the owner role at start-up (lib/runtime/migrate.ts); this process may not own it.
    migrate: false,
  });
  boss.on('error', () => undefined);
  const next: State = { url, boss, started: boss.start().then(() => undefined), queues: new Map() };
  globalForJobs.__rekeyJobQueues = next;
  return next;
}

/**
 * pg-boss's queue and schedule DDL/upserts can deadlock when several workers start at the same
 * moment (PostgreSQL aborts one side with 40P01). They are idempotent, so try again shortly.
 */
export async function retryOnDeadlock<T>(fn: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (i >= attempts || !(err.code === '40P01' || /deadlock detected/i.test(err.message ?? ''))) throw e;
      await new Promise((r) => setTimeout(r, 50 * i + Math.floor(Math.random() * 100)));
    }
  }
}

/** The pg-boss instance used to build `send` statements (its own pool is used only for queue DDL). */
export async function jobBoss(): Promise<PgBoss> {
  const s = state();
  await s.started;
  return s.boss;
}

/** Creates the job's queue (or updates its options) unless this process already did. */
export async function ensureQueue(def: Pick<JobDefinition<unknown>, 'name' | 'queue'>): Promise<void> {
  const s = state();
  let p = s.queues.get(def.name);
  if (!p) {
    p = (async () => {
      await s.started;
      await retryOnDeadlock(async () => {
        const existing = await s.boss.getQueue(def.name);
        const opts = { name: def.name, policy: def.queue.policy ?? 'standard', ...def.queue };
        if (!existing) {
          try {
            await s.boss.createQueue(def.name, opts);
          } catch (e) {
            // Another process created it at the same moment.
            if (!(await s.boss.getQueue(def.name))) throw e;
          }
        } else if (
          existing.policy !== opts.policy ||
          existing.retryLimit !== opts.retryLimit ||
          existing.expireInSeconds !== opts.expireInSeconds
        ) {
          await s.boss.updateQueue(def.name, opts);
        }
      });
    })();
    s.queues.set(def.name, p);
    p.catch(() => s.queues.delete(def.name));
  }
  return p;
}

/** For tests and graceful shutdown. */
export async function closeJobQueues(): Promise<void> {
  const s = globalForJobs.__rekeyJobQueues;
  globalForJobs.__rekeyJobQueues = undefined;
  if (s) {
    await s.started.catch(() => undefined);
    await s.boss.stop({ graceful: false, wait: true, timeout: 2000 }).catch(() => undefined);
  }
}
