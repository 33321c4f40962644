/**
 * The job worker: pg-boss on DATABASE_URL (schema `pgboss`) for the queues, with ONE fetch loop
 * per registered job kind that runs up to `concurrency` jobs of that kind at a time: it fetches as
 * many jobs as it has free slots (SKIP LOCKED, so several workers on several machines share the
 * queues), starts each, fails each on its own or completes them in small batches, and fetches
 * again when slots free while the queue may hold more (gathering a few freed slots per fetch), a
 * job of its kind is queued in this process (`notify`), or the polling interval passes. A drained
 * queue is not fetched again on every finished job. Job kinds that only a cron schedule queues
 * are polled every SCHEDULED_POLLING_SECONDS (cron has minute resolution).
 * (pg-boss's own `work()` polls once per unit of concurrency and waits a full interval after each
 * job; at fleet scale that is hundreds of fetch queries a second doing nothing.) Graceful stop.
 * The jobs of one fetch share a `ctx.batch` (rotations fetched together advance as a step group,
 * ADR 041); under a backlog, a kind with `gather` waits up to GATHER_MAX_MS for that many free slots
 * before it fetches, so its batches are groups rather than single jobs.
 * Runs inside `npm start` by default and on its own with `rekey worker`. Jobs are pluggable:
 * `registerJob(definition, options)` before or after `start()`.
 */
import v8 from 'node:v8';
import PgBoss from 'pg-boss';
import { NamingClient } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import type { BatchShared, JobBatch, JobDefinition } from '@/lib/jobs/job-definition';
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
  /** Removes a job's cron schedule (one an earlier start registered); its on-demand runs still work. */
  unschedule(jobName: string): Promise<void>;
  start(): Promise<void>;
  /** Stops fetching, waits up to `timeoutMs` for running jobs, closes the pool. */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
  /**
   * Wakes the polling loop of a job now (e.g. after this process queued one), or at `runAt` for a
   * job queued to start later (when that is before the loop's next poll).
   */
  notify(jobName: string, runAt?: Date): void;
  readonly running: boolean;
}

export function workerConcurrencyFromEnv(value = process.env.REKEY_WORKER_CONCURRENCY): number {
  if (value === undefined || value === '') return 20;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new RekeyError('CONFIG', `REKEY_WORKER_CONCURRENCY must be a whole number from 1 to 500, not "${value}".`);
  return n;
}

const consoleLogger: WorkerLogger = {
  info: (m) => process.stderr.write(`[worker] ${m}\n`),
  error: (m) => process.stderr.write(`[worker] ${m}\n`),
};

/** One job kind's fetch loop and its running jobs. */
interface JobLoop {
  readonly name: string;
  readonly running: Set<Promise<void>>;
  /** Ids of the jobs running now (failed on a stop that times out, so they are retried at once). */
  readonly active: Set<string>;
  wake(): void;
  /** Wake at `at` (a job queued to start then), unless the loop polls before. */
  wakeAt(at: number): void;
  stop(): void;
  done: Promise<void>;
  /** Resolves when every completion handed to the batch is written. */
  settled(): Promise<void>;
}

/**
 * When slots free up while the queue still holds jobs, wait this long for more to free before
 * fetching, so one fetch serves several (a campaign frees a slot every few milliseconds).
 */
export const FETCH_COALESCE_MS = 15;
/**
 * The longest a job kind with `gather` waits for its slots to free before it fetches anyway (a
 * slot idle this long under a backlog costs less than the statements a group shares).
 */
export const GATHER_MAX_MS = 250;
/** Completed jobs are marked in pg-boss together, this long after the first of a batch. */
export const COMPLETE_BATCH_MS = 10;
/** Polling of a job kind only its cron schedule queues (each such loop was a fetch a second). */
export const SCHEDULED_POLLING_SECONDS = 10;
/** A job queued in this process for later is fetched this long after it is due. */
export const DUE_MARGIN_MS = 20;
/** Due times a loop remembers (jobs queued for later in this process); later ones wait for the poll. */
const MAX_DUE_TIMES = 10_000;

function startJobLoop(
  boss: PgBoss,
  job: JobDefinition<unknown>,
  slots: number,
  pollingMs: number,
  log: WorkerLogger,
): JobLoop {
  const running = new Set<Promise<void>>();
  const active = new Set<string>();
  let stopping = false;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  /** The last fetch filled every free slot, so the queue may hold more: a freed slot wakes the loop. */
  let mayHaveMore = false;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  // Jobs queued by this process to start later: the loop wakes when each is due instead of at
  // its next poll (a bounded list of due times, earliest first; the poll covers any dropped).
  const dues: number[] = [];
  let dueTimer: NodeJS.Timeout | undefined;
  const armDue = () => {
    clearTimeout(dueTimer);
    dueTimer = undefined;
    if (stopping || dues.length === 0) return;
    // pg-boss fetches jobs whose start_after < now() by the database's clock: a little after.
    dueTimer = setTimeout(
      () => {
        const now = Date.now();
        while (dues.length > 0 && dues[0]! <= now) dues.shift();
        wake();
        armDue();
      },
      Math.max(0, dues[0]! - Date.now()) + DUE_MARGIN_MS,
    );
    dueTimer.unref?.();
  };
  const wakeAt = (at: number) => {
    if (stopping) return;
    let i = dues.length;
    while (i > 0 && dues[i - 1]! > at) i--;
    if (i < MAX_DUE_TIMES) dues.splice(i, 0, at);
    if (dues.length > MAX_DUE_TIMES) dues.length = MAX_DUE_TIMES;
    if (i === 0) armDue();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  // Completions go to pg-boss in batches (one statement for many jobs). A crash before the batch
  // is written leaves those jobs active until they expire and are retried — as a crash just
  // before a single complete() did; every handler is safe to run again (ADR 008).
  let toComplete: string[] = [];
  let flushing: Promise<void> | null = null;
  const flush = async (): Promise<void> => {
    await sleep(COMPLETE_BATCH_MS);
    const ids = toComplete;
    toComplete = [];
    flushing = null;
    await boss
      .complete(job.name, ids)
      .catch((e: unknown) => log.error(`${job.name}: could not complete ${ids.length} job(s): ${describe(e)}`));
  };
  const complete = (id: string): Promise<void> => {
    toComplete.push(id);
    flushing ??= flush();
    return flushing;
  };

  const expireMs = (job.queue.expireInSeconds ?? 900) * 1000;
  const runOne = (j: PgBoss.JobWithMetadata<unknown>, batch: FetchBatch) => {
    active.add(j.id);
    let ended = false;
    /** The job's handler is done (or never ran): the batch's shared values stop waiting for it. */
    const end = () => {
      if (ended) return;
      ended = true;
      batch.end();
    };
    const self: { p?: Promise<void> } = {};
    /** Frees the job's slot (once), waking the loop when the queue may hold more. */
    const release = () => {
      active.delete(j.id);
      if (self.p && running.delete(self.p) && mayHaveMore) wake();
    };
    const p = (async () => {
      const parsed = job.schema.safeParse(j.data);
      if (!parsed.success) {
        log.error(`${job.name} ${j.id}: invalid data, dropped: ${parsed.error.message}`);
        end();
        await complete(j.id);
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        // Like pg-boss: a handler still running when the job expires counts as failed (it is retried).
        // The batch hears of the end of the handler itself, not of the race below: a handler past
        // its expiry may still hold what it shares with the others.
        const handled = job.handle(parsed.data, { jobId: j.id, retryCount: j.retryCount, batch });
        handled.then(end, end);
        await Promise.race([
          handled,
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`still running after ${expireMs / 1000} s (the job's expiry)`)),
              expireMs,
            );
          }),
        ]);
        clearTimeout(timer);
      } catch (e) {
        clearTimeout(timer);
        log.error(`${job.name} ${j.id} failed (pg-boss will retry): ${describe(e)}`);
        await boss
          .fail(job.name, j.id, { message: describe(e) })
          .catch((e2: unknown) => log.error(`${job.name} ${j.id}: could not record the failure: ${describe(e2)}`));
        return;
      }
      // The slot is free once the handler is done; the completion is written with others.
      release();
      await complete(j.id);
    })().finally(release);
    self.p = p;
    running.add(p);
  };

  const done = (async () => {
    while (!stopping) {
      woken = false;
      let free = slots - running.size;
      // Slots freed by finishing jobs: gather a few more before fetching (unless half are free).
      if (mayHaveMore && free > 0 && free < Math.max(1, slots / 2)) {
        await sleep(FETCH_COALESCE_MS);
        free = slots - running.size;
        // A kind that runs better in groups waits (a little) for a group's worth of free slots.
        const want = Math.min(job.gather ?? 1, slots);
        const until = Date.now() + GATHER_MAX_MS;
        while (free < want && !stopping && Date.now() < until) {
          woken = false;
          await pause(until - Date.now());
          free = slots - running.size;
        }
      }
      if (free > 0) {
        let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
        try {
          jobs = await boss.fetch<unknown>(job.name, { batchSize: free, includeMetadata: true, priority: true });
        } catch (e) {
          if (!stopping) log.error(`${job.name}: fetching jobs failed: ${describe(e)}`);
        }
        if (stopping) {
          // Fetched while stopping: hand them back at once rather than run them.
          for (const x of jobs) await boss.fail(job.name, x.id, { message: 'worker stopping' }).catch(() => undefined);
          break;
        }
        const batch = new FetchBatch(jobs.length);
        for (const j of jobs) runOne(j, batch);
        // Fewer than asked for: the queue is drained for now (a notify or the interval wakes it).
        mayHaveMore = jobs.length === free;
        if (mayHaveMore && slots - running.size > 0) continue;
      }
      await pause(pollingMs);
    }
  })();

  return {
    name: job.name,
    running,
    active,
    wake,
    wakeAt,
    stop() {
      stopping = true;
      clearTimeout(dueTimer);
      wakeUp?.();
    },
    done,
    async settled() {
      while (flushing) await flushing;
    },
  };
}

/** The jobs of one fetch (JobBatch): what they share, and how many of them still run. */
class FetchBatch implements JobBatch {
  private running: number;
  private readonly values = new Map<string, BatchShared>();
  constructor(readonly size: number) {
    this.running = size;
  }
  shared<T extends BatchShared>(key: string, make: (running: number) => T): T {
    let v = this.values.get(key) as T | undefined;
    if (!v) this.values.set(key, (v = make(this.running)));
    return v;
  }
  end(): void {
    this.running--;
    for (const v of this.values.values()) v.leave();
  }
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? ` (cause: ${e.cause.name}: ${e.cause.message})` : '';
  return `${e.name}: ${e.message}${cause}`;
}

export function createWorker(opts: WorkerOptions = {}): Worker {
  const url = opts.connectionString ?? process.env.DATABASE_URL;
  if (!url) throw new RekeyError('CONFIG', 'DATABASE_URL is not set; the job worker needs PostgreSQL.');
  const concurrency = opts.concurrency ?? workerConcurrencyFromEnv();
  const polling = opts.pollingIntervalSeconds ?? 1;
  const log = opts.logger ?? consoleLogger;
  const options: PgBoss.ConstructorOptions & { Client: typeof NamingClient; options?: string } = {
    connectionString: url,
    schema: JOB_SCHEMA,
    max: Math.min(40, concurrency + 4),
    // pg-boss hands its options to pg's Pool: its frequent statements (the fetch, the completion)
    // are prepared per connection, as the app's are (ADR 039).
    Client: NamingClient,
    // pg-boss's job table is partitioned by queue name: PostgreSQL plans its fetch afresh on each
    // run (a custom plan prunes partitions at planning, and keeps winning the cost comparison), ~1.3 ms
    // each. A generic plan prunes them at execution instead, and is made once per connection. Not
    // behind a pooler in transaction mode (REKEY_DB_PREPARED_STATEMENTS=0): PgBouncer refuses a
    // startup option it was not told to ignore, and a plan kept per connection is not kept there.
    ...(process.env.REKEY_DB_PREPARED_STATEMENTS === '0' ? {} : { options: '-c plan_cache_mode=force_generic_plan' }),
    schedule: true,
    supervise: true,
    // The schema and queues are installed by the owner role at start-up (lib/runtime/migrate.ts).
    migrate: false,
  };
  const boss = new PgBoss(options);
  boss.on('error', (e) => log.error(`pg-boss: ${e.message}`));
  const pending: { job: JobDefinition<unknown>; opts: RegisterOptions }[] = [];
  const schedules: Schedule[] = [];
  const unschedules: string[] = [];
  const loops = new Map<string, JobLoop>();
  let started = false;

  async function attach(job: JobDefinition<unknown>, o: RegisterOptions): Promise<void> {
    // ensureQueue uses DATABASE_URL; make sure it names the same database as this worker.
    process.env.DATABASE_URL ??= url;
    await ensureQueue(job);
    loops.set(
      job.name,
      startJobLoop(boss, job, o.concurrency ?? concurrency, (o.pollingIntervalSeconds ?? polling) * 1000, log),
    );
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
    async unschedule(jobName) {
      if (started) await retryOnDeadlock(() => boss.unschedule(jobName));
      else unschedules.push(jobName);
    },
    async start() {
      if (started) return;
      await boss.start();
      started = true;
      for (const p of pending.splice(0)) await attach(p.job, p.opts);
      for (const s of schedules.splice(0)) {
        if (!loops.has(s.job.name))
          await attach(s.job as JobDefinition<unknown>, {
            concurrency: 1,
            pollingIntervalSeconds: Math.max(polling, SCHEDULED_POLLING_SECONDS),
          });
        await retryOnDeadlock(() => boss.schedule(s.job.name, s.cron, {}));
      }
      for (const name of unschedules.splice(0)) await retryOnDeadlock(() => boss.unschedule(name));
      // The heap limit shows whether REKEY_WORKER_HEAP_MB reached this process (ADR 044).
      const heapMb = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
      log.info(
        `started (concurrency ${concurrency}; heap limit ${heapMb} MB; jobs: ${[...loops.keys()].join(', ') || 'none'})`,
      );
    },
    async stop({ timeoutMs = 30_000 } = {}) {
      if (!started) return;
      started = false;
      for (const l of loops.values()) l.stop();
      await Promise.all([...loops.values()].map((l) => l.done));
      const all = [...loops.values()].flatMap((l) => [...l.running]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(all), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
      await Promise.all([...loops.values()].map((l) => l.settled()));
      // Jobs still running after the grace period: fail them so another worker retries them now.
      for (const l of loops.values()) {
        for (const id of l.active)
          await boss.fail(l.name, id, { message: 'worker stopped while the job was running' }).catch(() => undefined);
      }
      loops.clear();
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
      log.info('stopped');
    },
    notify(jobName, runAt) {
      const loop = loops.get(jobName);
      if (!loop) return;
      if (runAt && runAt.getTime() > Date.now()) loop.wakeAt(runAt.getTime());
      else loop.wake();
    },
  };
}
