/**
 * Jobs fetched together (ctx.batch) and job kinds that gather a group's worth of free slots before
 * fetching (`gather`), through a real pg-boss worker on the test database.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { db } from '@/lib/db';
import { enqueue } from '@/lib/jobs/enqueue';
import { defineJob, type JobBatch } from '@/lib/jobs/job-definition';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { createWorker } from '@/lib/jobs/worker';

const quiet = { info: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await closeJobQueues();
});

async function until(ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await sleep(20);
}

describe('jobs fetched together', () => {
  it('share one value per batch, made with the jobs still running, told once as each ends', async () => {
    const made: { running: number; left: number }[] = [];
    let firstDone!: () => void;
    const firstEnded = new Promise<void>((r) => (firstDone = r));
    const seen: { n: number; size: number; shared: number }[] = [];
    const job = defineJob<{ n: number }>({
      name: 'test.batch-shared',
      queue: { policy: 'standard', retryLimit: 0, expireInSeconds: 60 },
      schema: z.object({ n: z.number().int() }),
      async handle({ n }, { batch }) {
        // The first job ends before the others ask: the value is made for the jobs still running.
        if (n === 0) return void firstDone();
        await firstEnded;
        // Its end reaches the batch once its handler's promise settles: past the current macrotask.
        await new Promise((r) => setImmediate(r));
        const value = batch!.shared('probe', (running) => {
          const v = { running, left: 0, leave: () => void v.left++ };
          made.push(v);
          return v;
        });
        seen.push({ n, size: batch!.size, shared: made.indexOf(value) });
      },
    });
    await db.$transaction(async (tx) => {
      for (let n = 0; n < 4; n++) await enqueue(tx, job, { n });
    });
    const worker = createWorker({ concurrency: 4, pollingIntervalSeconds: 60, logger: quiet });
    await worker.registerJob(job);
    await worker.start();
    try {
      await until(() => made.length === 1 && made[0]!.left === 3);
      expect(seen.map((s) => s.size)).toEqual([4, 4, 4]);
      expect(new Set(seen.map((s) => s.shared))).toEqual(new Set([0]));
      expect(made).toEqual([expect.objectContaining({ running: 3, left: 3 })]);
    } finally {
      await worker.stop({ timeoutMs: 5_000 });
    }
  });

  it('a kind that gathers waits, under a backlog, for a group of free slots instead of fetching one job per freed slot', async () => {
    const sizes: number[] = [];
    let batches = new Set<JobBatch>();
    const job = defineJob<{ n: number }>({
      name: 'test.batch-gather',
      queue: { policy: 'standard', retryLimit: 0, expireInSeconds: 60 },
      schema: z.object({ n: z.number().int() }),
      gather: 4,
      async handle({ n }, { batch }) {
        if (!batches.has(batch!)) {
          batches.add(batch!);
          sizes.push(batch!.size);
        }
        // Each of a batch ends 40 ms after the one before: far apart enough that a worker fetching
        // as slots free takes one job at a time.
        await sleep(40 + 40 * (n % 4));
      },
    });
    await db.$transaction(async (tx) => {
      for (let n = 0; n < 12; n++) await enqueue(tx, job, { n });
    });
    const worker = createWorker({ concurrency: 4, pollingIntervalSeconds: 60, logger: quiet });
    await worker.registerJob(job);
    await worker.start();
    try {
      await until(() => sizes.reduce((a, b) => a + b, 0) === 12);
      expect(sizes[0]).toBe(4);
      // The fetches after the first took several jobs each (a slow machine may cut one short).
      expect(sizes.length).toBeLessThanOrEqual(6);
      expect(Math.max(...sizes.slice(1))).toBeGreaterThanOrEqual(2);
    } finally {
      await worker.stop({ timeoutMs: 5_000 });
      batches = new Set();
    }
  });
});
