/**
 * A job: a dotted name (`rotation.advance`), the pg-boss queue it lives in, a zod schema for its
 * data and a handler. Defined once in a `*.job.ts` file; `enqueue` uses the definition to send
 * (typed, inside the caller's transaction) and the worker uses it to run.
 */
import type { z } from 'zod';

export interface QueueOptions {
  /**
   * pg-boss 10 policy. `short`: at most one job *waiting* per singletonKey (a second send is
   * dropped), which de-duplicates follow-up jobs per entity.
   */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  /** A job still active after this long is failed (and retried) by pg-boss: crash recovery. */
  expireInSeconds?: number;
  retentionMinutes?: number;
}

export interface JobContext {
  jobId: string;
  /** pg-boss retry count of this job (0 on the first run). */
  retryCount: number;
  /** The jobs of this kind fetched together with this one (absent when run on its own, e.g. in tests). */
  batch?: JobBatch;
}

/** Something the jobs of one fetch share; told once for each of them when its handler ends. */
export interface BatchShared {
  leave(): void;
}

export interface JobBatch {
  /** How many jobs were fetched together (this one included). */
  readonly size: number;
  /**
   * The value the batch's jobs share under `key`, made by the first job that asks with the number
   * of the batch's jobs still running; `leave()` is then called once for each job as it ends.
   */
  shared<T extends BatchShared>(key: string, make: (running: number) => T): T;
}

export interface JobDefinition<T> {
  name: string;
  queue: QueueOptions;
  schema: z.ZodType<T>;
  /**
   * Jobs of this kind do better fetched together (they share statements: ctx.batch). While the
   * queue holds more than the free slots, the worker waits for this many slots to be free before it
   * fetches (at most GATHER_MAX_MS, lib/jobs/worker.ts). Default 1: fetch as slots free.
   */
  gather?: number;
  handle(data: T, ctx: JobContext): Promise<void>;
}

/** What sending needs: the queue, without the handler (so a module can queue a job it does not run). */
export type JobQueue<T> = Pick<JobDefinition<T>, 'name' | 'queue' | 'schema'>;

export function defineJob<T>(def: JobDefinition<T>): JobDefinition<T> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-_]*)+$/.test(def.name))
    throw new Error(`job names are dotted lower-case ids (e.g. rotation.advance), not "${def.name}"`);
  return def;
}
