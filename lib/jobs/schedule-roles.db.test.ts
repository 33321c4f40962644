/**
 * Scheduled (cron) jobs with two database roles (ADR 017): the worker connects as the application
 * role, which may not create pg-boss queues (a queue is a table partition: DDL). pg-boss sends
 * each due schedule through its own internal queue, so that queue must be installed by the owner
 * at migrate time (lib/runtime/migrate.ts), like Rekey's queues; otherwise no schedule ever runs
 * (the session purge, the rotation sweep …) and nothing says so.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { db } from '@/lib/db';
import { defineJob } from '@/lib/jobs/job-definition';
import { closeJobQueues, ensureQueue, JOB_SCHEMA } from '@/lib/jobs/job-queues';
import { createWorker, type Worker } from '@/lib/jobs/worker';
import { PGBOSS_CRON_QUEUE } from '@/lib/runtime/migrate';

const ran: string[] = [];
const cronJob = defineJob<Record<string, never>>({
  name: 'test.cron-as-app-role',
  queue: { policy: 'singleton', retryLimit: 0, expireInSeconds: 60 },
  schema: z.object({}),
  handle() {
    ran.push(new Date().toISOString());
    return Promise.resolve();
  },
});

let worker: Worker | undefined;
afterAll(async () => {
  await worker?.stop({ timeoutMs: 5_000 });
  await closeJobQueues();
});

describe('scheduled jobs under the application role', () => {
  it('run: the cron queue was installed by the owner, and the app role cannot create it itself', async () => {
    const queues = await db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT name FROM ${JOB_SCHEMA}.queue WHERE name = $1`,
      PGBOSS_CRON_QUEUE,
    );
    expect(queues).toHaveLength(1);

    const url = new URL(process.env.DATABASE_URL!);
    const role = inject('dbAppRole');
    url.username = role.user;
    url.password = role.password;
    const errors: string[] = [];
    worker = createWorker({
      connectionString: url.toString(),
      concurrency: 1,
      pollingIntervalSeconds: 0.5,
      logger: { info: () => undefined, error: (m) => void errors.push(m) },
    });
    // As after a restart: the job's queue (installed by the owner: DATABASE_URL here) and its
    // schedule exist before the worker starts, so pg-boss's first cron check at start sends it.
    await ensureQueue(cronJob);
    await db.$executeRawUnsafe(
      `INSERT INTO ${JOB_SCHEMA}.schedule (name, cron, timezone, data, options) VALUES ($1, '* * * * *', 'UTC', '{}', '{}')`,
      cronJob.name,
    );
    await worker.registerJob(cronJob);
    await worker.schedule({ cron: '* * * * *', job: cronJob as never });
    await worker.start();
    const end = Date.now() + 25_000;
    while (ran.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    expect(errors).toEqual([]);
    expect(ran.length).toBeGreaterThan(0);
  }, 40_000);
});
