/**
 * The job worker: pg-boss on DATABASE_URL (schema `pgboss`), one polling loop per unit of
 * concurrency for each registered job, graceful stop. Runs inside `npm start` by default and on
 * its own with `rekey worker`; several workers on several machines share the queues (pg-boss
 * fetches with SKIP LOCKED). Jobs are pluggable: `registerJob(definition, options)` before or
 * after `start()`.
 */
import PgBoss from 'pg-boss';
import { RekeyError } from '@/lib/errors';
import type { JobDefinition } from '@/lib/jobs/job-definition';
import { JOB_SCHEMA, ensureQueue, retryOnDeadlock } from '@/lib/jobs/job-queues';

export interface WorkerLogger {
  info(msg: string): void;
  error(msg: string): void;
}

export interface RegisterOptions {
  /** Jobs of this kind run at the same time in this process (default: the worker's concurrency). */
  concurrency?: number;
  pollingIntervalSeconds?: number;
}

export interface Schedule {
  /** pg-boss cron (minute resolution), e.g. '* * * * *'. */
  cron: string;
  /** A job whose data may be empty (scheduled runs send `{}`). */
  job: JobDefinition<never>;
}

export interface WorkerOptions {
  connectionString?: string;
  /** Default REKEY_WORKER_CONCURRENCY or 20. */
  concurrency?: number;
  pollingIntervalSeconds?: number;
  logger?: WorkerLogger;
}

export interface Worker {
  registerJob<T>(job: JobDefinition<T>, opts?: RegisterOptions): Promise<void>;
  schedule(s: Schedule): Promise<void>;
  start(): Promise<void>;
  /** Stops fetching, waits up to `timeoutMs` for running jobs, closes the pool. */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
  /** Wakes the polling loops of a job now (e.g. after this process queued one). */
  notify(jobName: string): void;
  readonly running: boolean;
}

export function workerConcurrencyFromEnv(value = process.env.REKEY_WORKER_CONCURRENCY): number {
  if (value === undefined || value === '') return 20;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new RekeyError('CONFIG', `REKEY_WORKER_CONCURRENCY must be a whole number from 1 to 500, not "${value}".`);
  return n;
}

const consoleLogger: WorkerLogger = {
  info: (m) => process.stderr.write(`[worker] ${m}\n`),
  error: (m) => process.stderr.write(`[worker] ${m}\n`),
};

export function createWorker(opts: WorkerOptions = {}): Worker {
  const url = opts.connectionString ?? process.env.DATABASE_URL;
  if (!url) throw new RekeyError('CONFIG', 'DATABASE_URL is not set; the job worker needs PostgreSQL.');
  const concurrency = opts.concurrency ?? workerConcurrencyFromEnv();
  const polling = opts.pollingIntervalSeconds ?? 1;
  const log = opts.logger ?? consoleLogger;
  const boss = new PgBoss({ connectionString: url, schema: JOB_SCHEMA, max: Math.min(40, concurrency + 4), schedule: true, supervise: true, migrate: true });
  boss.on('error', (e) => log.error(`pg-boss: ${e.message}`));
  const pending: { job: JobDefinition<unknown>; opts: RegisterOptions }[] = [];
  const schedules: Schedule[] = [];
  const workerIds = new Map<string, string[]>();
  let started = false;

  async function attach(job: JobDefinition<unknown>, o: RegisterOptions): Promise<void> {
    // ensureQueue uses DATABASE_URL; make sure it names the same database as this worker.
    process.env.DATABASE_URL ??= url;
    await ensureQueue(job);
    const ids: string[] = [];
    const loops = o.concurrency ?? concurrency;
    for (let i = 0; i < loops; i++) {
      const id = await boss.work<unknown>(job.name, { batchSize: 1, pollingIntervalSeconds: o.pollingIntervalSeconds ?? polling, includeMetadata: true }, async ([j]) => {
        if (!j) return;
        const parsed = job.schema.safeParse(j.data);
        if (!parsed.success) {
          log.error(`${job.name} ${j.id}: invalid data, dropped: ${parsed.error.message}`);
          return;
        }
        try {
          await job.handle(parsed.data, { jobId: j.id, retryCount: j.retryCount });
        } catch (e) {
          log.error(`${job.name} ${j.id} failed (pg-boss will retry): ${(e as Error).message}`);
          throw e;
        }
      });
      ids.push(id);
    }
    workerIds.set(job.name, ids);
  }

  return {
    get running() {
      return started;
    },
    async registerJob(job, o = {}) {
      const entry = { job: job as JobDefinition<unknown>, opts: o };
      if (started) await attach(entry.job, entry.opts);
      else pending.push(entry);
    },
    async schedule(s) {
      if (started) {
        await ensureQueue(s.job);
        await retryOnDeadlock(() => boss.schedule(s.job.name, s.cron, {}));
      } else schedules.push(s);
    },
    async start() {
      if (started) return;
      await boss.start();
      started = true;
      for (const p of pending.splice(0)) await attach(p.job, p.opts);
      for (const s of schedules.splice(0)) {
        await attach(s.job as JobDefinition<unknown>, { concurrency: 1 });
        await retryOnDeadlock(() => boss.schedule(s.job.name, s.cron, {}));
      }
      log.info(`started (concurrency ${concurrency}; jobs: ${[...workerIds.keys()].join(', ') || 'none'})`);
    },
    async stop({ timeoutMs = 30_000 } = {}) {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
      log.info('stopped');
    },
    notify(jobName) {
      for (const id of workerIds.get(jobName) ?? []) boss.notifyWorker(id);
    },
  };
}
