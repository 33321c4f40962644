/**
 * Rotations through the real job path: startRotation queues `rotation.advance` in its
 * transaction, a pg-boss worker in this process runs the steps (real lib/graph → in-process sim).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';
import { db } from '@/lib/db';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { resetEnvCache } from '@/lib/env';
import { closeJobQueues, JOB_SCHEMA } from '@/lib/jobs/job-queues';
import { startRekeyWorker } from '@/lib/jobs/start-worker';
import { defineJob } from '@/lib/jobs/job-definition';
import { enqueue } from '@/lib/jobs/enqueue';
import { z } from 'zod';
import { createWorker, type Worker } from '@/lib/jobs/worker';
import { setRotationDeps } from '@/lib/rotation/rotation-deps';
import { stepGroupTotals } from '@/lib/rotation/step-group';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { rotationFixture, simCredentials, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let gs: GraphSim;
let worker: Worker;

/** A test job: sleeps, counts how many run at once, fails its first run when asked. */
const inFlight = { now: 0, max: 0, done: [] as number[], attempts: new Map<number, number>() };
const probeJob = defineJob<{ n: number; failFirst: boolean }>({
  name: 'test.probe',
  queue: { policy: 'standard', retryLimit: 2, retryDelay: 0, expireInSeconds: 60 },
  schema: z.object({ n: z.number().int(), failFirst: z.boolean() }),
  async handle({ n, failFirst }) {
    const attempt = (inFlight.attempts.get(n) ?? 0) + 1;
    inFlight.attempts.set(n, attempt);
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    try {
      await new Promise((r) => setTimeout(r, 150));
      if (failFirst && attempt === 1)
        throw new Error(`probe ${n} fails its first run`, { cause: new Error('on purpose') });
      inFlight.done.push(n);
    } finally {
      inFlight.now--;
    }
  },
});
const errors: string[] = [];
const quiet = { info: () => undefined, error: (m: string) => void errors.push(m) };

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  setRotationDeps(testRotationDeps(gs));
  worker = await startRekeyWorker({
    concurrency: 4,
    pollingIntervalSeconds: 0.5,
    logger: quiet,
    jobs: [probeJob as never],
  });
});
afterAll(async () => {
  await worker?.stop({ timeoutMs: 5_000 });
  setRotationDeps(undefined);
  await closeJobQueues();
  await closeLeasePool();
  await gs?.close();
});

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the job worker', () => {
  it('runs a started rotation to the end through rotation.advance jobs', async () => {
    const f = await rotationFixture(gs, { index: 1 });
    const rotation = await startRotation(
      createUseCaseContext({ actor: { id: null, label: 'test' }, now: new Date() }),
      {
        connectorId: f.connector.id,
        toCertificateId: f.newCert.id,
      },
    );
    const done = await until(
      () => db.rotation.findUniqueOrThrow({ where: { id: rotation.id } }),
      (r) => r.state === 'SUCCEEDED' || r.state === 'NEEDS_ATTENTION',
    );
    expect(done.state).toBe('SUCCEEDED');
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
  });

  it('rolls the job back with the transaction that queued it', async () => {
    const { enqueue } = await import('@/lib/jobs/enqueue');
    const { rotationAdvanceJob } = await import('@/lib/rotation/rotation-advance.job');
    const id = crypto.randomUUID();
    await expect(
      db.$transaction(async (tx) => {
        await enqueue(tx, rotationAdvanceJob, { rotationId: id }, { singletonKey: id });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1`,
      id,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    await db.$transaction((tx) =>
      enqueue(
        tx,
        rotationAdvanceJob,
        { rotationId: id },
        { singletonKey: id, startAfter: new Date(Date.now() + 3_600_000) },
      ),
    );
    // A second waiting job for the same rotation is dropped (one waiting job per rotation).
    expect(
      await db.$transaction((tx) => enqueue(tx, rotationAdvanceJob, { rotationId: id }, { singletonKey: id })),
    ).toBeNull();
    const after = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1`,
      id,
    );
    expect(Number(after[0]?.n)).toBe(1);
  });

  it('runs a job queued for later when it is due, not at its next poll, when told when', async () => {
    const ran: number[] = [];
    const laterJob = defineJob<{ n: number }>({
      name: 'test.later',
      queue: { policy: 'standard', retryLimit: 0, expireInSeconds: 60 },
      schema: z.object({ n: z.number().int() }),
      async handle({ n }) {
        ran.push(n);
      },
    });
    // Polls once a minute: only the due-time wake can run the job within the wait below.
    const slow = createWorker({ concurrency: 2, pollingIntervalSeconds: 60, logger: quiet });
    await slow.registerJob(laterJob);
    await slow.start();
    try {
      // The first fetch at start finds nothing due; then the loop sleeps for its poll.
      await new Promise((r) => setTimeout(r, 500));
      const runAt = new Date(Date.now() + 400);
      await db.$transaction((tx) => enqueue(tx, laterJob, { n: 1 }, { startAfter: runAt }));
      slow.notify(laterJob.name, runAt);
      await until(
        async () => ran.length,
        (n) => n > 0,
        20_000,
      );
      expect(ran).toEqual([1]);
    } finally {
      await slow.stop({ timeoutMs: 5_000 });
    }
  });

  it('runs up to its concurrency of one job kind at once, fetches again as slots free, and retries a failed job', async () => {
    await db.$transaction(async (tx) => {
      for (let n = 0; n < 12; n++) await enqueue(tx, probeJob, { n, failFirst: n === 3 });
    });
    worker.notify(probeJob.name);
    await until(
      async () => inFlight.done.length,
      (d) => d === 12,
      30_000,
    );
    expect([...inFlight.done].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(inFlight.max).toBe(4);
    expect(inFlight.attempts.get(3)).toBe(2);
    // The failure is logged with its name, message and cause.
    expect(
      errors.some((e) =>
        /test\.probe .* failed \(pg-boss will retry\): Error: probe 3 fails its first run \(cause: Error: on purpose\)/.test(
          e,
        ),
      ),
    ).toBe(true);
    // Completions are written in batches after the handlers return: wait for the last batch.
    const states = await until(
      async () =>
        (
          await db.$queryRawUnsafe<{ state: string; n: bigint }[]>(
            `SELECT state::text, count(*) AS n FROM pgboss.job WHERE name = 'test.probe' GROUP BY state`,
          )
        ).map((r) => [r.state, Number(r.n)]),
      (v) => v.length === 1 && v[0]![0] === 'completed',
      10_000,
    );
    expect(states).toEqual([['completed', 12]]);
  });

  it('REKEY_SCHEDULED_FLEET_SCAN=off removes the 6-hourly fleet scan a previous start scheduled; the other crons stay', async () => {
    const crons = async () =>
      (await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM ${JOB_SCHEMA}.schedule ORDER BY name`)).map(
        (r) => r.name,
      );
    // The worker of this file started with the default (on).
    expect(await crons()).toEqual(expect.arrayContaining(['scan.tenants', 'rotation.sweep']));
    process.env.REKEY_SCHEDULED_FLEET_SCAN = 'off';
    resetEnvCache();
    const paused = await startRekeyWorker({ concurrency: 1, logger: quiet, sweepOnStart: false });
    try {
      const after = await crons();
      expect(after).not.toContain('scan.tenants');
      expect(after).toEqual(expect.arrayContaining(['rotation.sweep', 'scan.drift']));
    } finally {
      await paused.stop({ timeoutMs: 5_000 });
      delete process.env.REKEY_SCHEDULED_FLEET_SCAN;
      resetEnvCache();
    }
  });

  it('advances rotations whose jobs it fetched together as one step group: their locks taken in one statement, each rotation ending as alone', async () => {
    // The simulator's connectors as the demo fleet has them (a test above rotated one of them).
    gs.sim.reset();
    // A worker that polls rarely, started after the rotations: its first fetch takes all three.
    await worker.stop({ timeoutMs: 5_000 });
    const before = stepGroupTotals();
    const started = [];
    for (let i = 0; i < 3; i++) {
      const f = await rotationFixture(gs, { index: i });
      const rotation = await startRotation(
        createUseCaseContext({ actor: { id: null, label: 'test' }, now: new Date() }),
        { connectorId: f.connector.id, toCertificateId: f.newCert.id },
        { notify: false },
      );
      started.push({ f, rotation });
    }
    worker = await startRekeyWorker({ concurrency: 4, pollingIntervalSeconds: 60, logger: quiet, sweepOnStart: false });
    const ids = started.map((s) => s.rotation.id);
    const done = await until(
      () => db.rotation.findMany({ where: { id: { in: ids } } }),
      (rs) => rs.every((r) => r.state === 'SUCCEEDED' || r.state === 'NEEDS_ATTENTION'),
    );
    expect(done.map((r) => r.state)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    for (const { f } of started) expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
    // A group of three (a retry's job may make another later): its first request, the three
    // locks, went as one statement.
    const after = stepGroupTotals();
    expect(after.groups - before.groups).toBeGreaterThanOrEqual(1);
    expect(after.requests - before.requests).toBeGreaterThan(after.batches - before.batches);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });
});
