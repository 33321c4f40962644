/**
 * Queues a job inside the caller's database transaction: the job row is written by the same
 * transaction as the state change that needs it, so both commit or neither does (a crash cannot
 * lose the follow-up work, and a rolled-back change leaves no stray job).
 */
import type { Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import type { JobQueue } from '@/lib/jobs/job-definition';
import { JOB_SCHEMA, ensureQueue, jobBoss } from '@/lib/jobs/job-queues';

export interface EnqueueOptions {
  /** Not before this moment. */
  startAfter?: Date;
  /** With a `short` queue: one waiting job per key; a second send is dropped (returns null). */
  singletonKey?: string;
  priority?: number;
  /**
   * With `singletonKey`: when a job with the key already waits to start later than this one would
   * (now, or `startAfter`), bring that job forward instead of only dropping this one. A waiting
   * rotation's next look is queued minutes ahead; an admin's confirmation or cancellation must not
   * wait for it.
   */
  sooner?: boolean;
}

/** pg-boss's `db` executor over a Prisma interactive transaction. */
export function transactionExecutor(tx: Prisma.TransactionClient): {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
} {
  return {
    async executeSql(text, values = []) {
      const params = values.map((v) =>
        v === undefined ? null : v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v,
      );
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...params);
      return { rows };
    },
  };
}

/**
 * Returns the job id, or null when a `short` queue already holds a waiting job with the same
 * singletonKey (the work is already queued; with `sooner`, the id of that job when it was brought
 * forward).
 */
export async function enqueue<T>(
  tx: Prisma.TransactionClient,
  job: JobQueue<T>,
  data: T,
  opts: EnqueueOptions = {},
): Promise<string | null> {
  const parsed = job.schema.safeParse(data);
  if (!parsed.success) throw new RekeyError('INTERNAL', `Invalid data for job ${job.name}: ${parsed.error.message}`);
  await ensureQueue(job);
  const boss = await jobBoss();
  const id = await boss.send(job.name, parsed.data as object, {
    db: transactionExecutor(tx),
    ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
    ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
    ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
  });
  if (id !== null || !opts.sooner || !opts.singletonKey) return id;
  // pg-boss has no "no later than" send: move the waiting job's start (its `job` table, which the
  // application role may update: lib/runtime/database-roles.ts).
  const [moved] = await tx.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE ${JOB_SCHEMA}.job SET start_after = COALESCE($3::timestamptz, now())
     WHERE name = $1 AND singleton_key = $2 AND state = 'created' AND start_after > COALESCE($3::timestamptz, now())
     RETURNING id::text`,
    job.name,
    opts.singletonKey,
    opts.startAfter ?? null,
  );
  return moved?.id ?? null;
}

/**
 * Queues several jobs of one kind inside `tx` in one statement (pg-boss `insert`), each with its
 * own singletonKey. For jobs that cannot already be waiting (new entities): a key that is would
 * make the statement fail, and with it the caller's transaction.
 */
export async function enqueueMany<T>(
  tx: Prisma.TransactionClient,
  job: JobQueue<T>,
  items: { data: T; singletonKey?: string }[],
): Promise<void> {
  if (items.length === 0) return;
  const jobs = items.map(({ data, singletonKey }) => {
    const parsed = job.schema.safeParse(data);
    if (!parsed.success) throw new RekeyError('INTERNAL', `Invalid data for job ${job.name}: ${parsed.error.message}`);
    return { name: job.name, data: parsed.data as object, ...(singletonKey ? { singletonKey } : {}) };
  });
  await ensureQueue(job);
  const boss = await jobBoss();
  await boss.insert(jobs, { db: transactionExecutor(tx) });
}
