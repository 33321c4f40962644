/**
 * Rotations against a simulator that replicates writes with a lag (sim/directory/replication.ts):
 * reads right after a write may be stale, a new application is not found at first (its service
 * principal cannot be created yet), a new key is refused at the token endpoint for a while. Every
 * plan must still finish with exactly the new certificate on the connector — no duplicate
 * application, never a moment without a credential — by treating these as transient with bounded
 * backoff (6 attempts, 50–400 ms).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { cancelRotation } from '@/lib/rotation/cancel-rotation';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { readFacts } from '@/lib/rotation/rotation-facts';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { recreatedUniqueName } from '@/lib/rotation/steps/recreate-connection';
import { rotationFixture, simCredentials, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { DEMO_REPLICATION } from '@/sim/server';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let gs: GraphSim;
let deps: RotationDeps;
const ctx = () => createUseCaseContext({ actor: { id: null, label: 'test-admin' }, now: new Date() });

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false, replication: DEMO_REPLICATION });
  // Bounded backoff that outlasts the lag (≤ 400 ms): 50+100+200+400+400 ms, then needs attention.
  deps = testRotationDeps(gs, { retryPolicy: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 400 } });
});
afterAll(async () => {
  await gs?.close();
  await closeJobQueues();
  await closeLeasePool();
});
beforeEach(() => {
  gs.sim.reset();
  expect(gs.sim.context.replication.config.enabled).toBe(true);
});

/** Advances until the rotation stops moving; returns the step outcomes recorded. */
async function runToEnd(id: string): Promise<string[]> {
  for (let i = 0; i < 80; i++) {
    const r = await advanceRotation(id, deps);
    if (r.kind === 'not_due') await new Promise((res) => setTimeout(res, Math.max(1, r.at.getTime() - Date.now())));
    else if (r.kind === 'idle') break;
  }
  return (await db.rotationStep.findMany({ where: { rotationId: id }, orderBy: { at: 'asc' } })).map(
    (s) => `${s.step}:${s.outcome}`,
  );
}

/** Waits out the lag, then reads the tenant as it really is. */
async function settled<T>(read: () => T): Promise<T> {
  await new Promise((res) => setTimeout(res, DEMO_REPLICATION.maxLagMs + 50));
  return read();
}

describe('rotations under replication lag', () => {
  it('rotate: every plan step survives stale reads; exactly the new key is left, the old one refused', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const outcomes = await runToEnd(rotation.id);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state, `${r.errorCode}: ${r.errorMessage} (${outcomes.join(', ')})`).toBe('SUCCEEDED');
    expect(await settled(() => simCredentials(gs, f.sim.tenantId, f.sim.appId).app)).toEqual([f.sim.newSha1]);
    expect(readFacts(r.facts).verifyOldGone).toBeTruthy();
    // The lag was met (and waited out), not missed.
    expect(outcomes.filter((o) => o.endsWith(':failed_transient')).length).toBeGreaterThan(0);
  });

  it('rotate with a settle time (as the default policy has): each read-back waits out the lag after its write — no failed read, no retry job, one run', async () => {
    const f = await rotationFixture(gs, { index: 3 });
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const settling: RotationDeps = {
      ...deps,
      retryPolicy: { ...deps.retryPolicy, settleMs: DEMO_REPLICATION.maxLagMs + 100 },
    };
    const first = await advanceRotation(rotation.id, settling);
    expect(first.kind).toBe('stepped');
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    const steps = await db.rotationStep.findMany({ where: { rotationId: rotation.id }, orderBy: { at: 'asc' } });
    const outcomes = steps.map((s) => `${s.step}:${s.outcome}`);
    expect(r.state, `${r.errorCode}: ${r.errorMessage} (${outcomes.join(', ')})`).toBe('SUCCEEDED');
    expect(first.kind === 'stepped' && first.steps).toEqual(steps.map((s) => s.step));
    expect(outcomes.filter((o) => !o.endsWith(':succeeded'))).toEqual([]);
    // Each read-back started at least the settle time after the write before it ended.
    const at = (name: string) => steps.find((s) => s.step === name)!;
    for (const [write, read] of [
      ['add_new', 'verify_new'],
      ['remove_old', 'verify_old_gone'],
    ] as const) {
      const readStarted = at(read).at.getTime() - at(read).durationMs;
      expect(readStarted - at(write).at.getTime()).toBeGreaterThanOrEqual(DEMO_REPLICATION.maxLagMs + 100 - 5);
    }
    expect(await settled(() => simCredentials(gs, f.sim.tenantId, f.sim.appId).app)).toEqual([f.sim.newSha1]);
  });

  it('an admin cancel during the settle wait gets in (the lock is free): the new key is removed again', async () => {
    const f = await rotationFixture(gs, { index: 4 });
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const cancels: Promise<unknown>[] = [];
    const settling: RotationDeps = {
      ...deps,
      retryPolicy: { ...deps.retryPolicy, settleMs: 1_500 },
      graph: {
        ...deps.graph,
        // Once add_new has committed (the run is then in the wait before verify_new, which lasts
        // 1.5 s), an admin cancels.
        addCredential: async (t, input) => {
          const out = await deps.graph.addCredential(t, input);
          cancels.push(
            (async () => {
              while (!(await db.rotationStep.findFirst({ where: { rotationId: rotation.id, step: 'add_new' } })))
                await new Promise((res) => setTimeout(res, 20));
              return cancelRotation(ctx(), rotation.id).catch((e: unknown) => e);
            })(),
          );
          return out;
        },
      },
    };
    const out = await advanceRotation(rotation.id, settling);
    expect(await Promise.all(cancels)).toEqual([expect.objectContaining({ step: 'cancel_remove_new' })]);
    expect(out).toMatchObject({ kind: 'stepped', steps: ['preflight', 'add_new', 'cancel_remove_new'] });
    const outcomes = await runToEnd(rotation.id);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state, outcomes.join(', ')).toBe('CANCELLED');
    expect(await settled(() => simCredentials(gs, f.sim.tenantId, f.sim.appId).app)).toEqual([f.sim.oldSha1]);
  });

  it('re-establish (credential): the old key goes first, the add never puts it back from a stale read', async () => {
    const f = await rotationFixture(gs, { index: 1 });
    const rotation = await startRotation(ctx(), {
      connectorId: f.connector.id,
      toCertificateId: f.newCert.id,
      mode: 'reestablish',
    });
    const outcomes = await runToEnd(rotation.id);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state, `${r.errorCode}: ${r.errorMessage} (${outcomes.join(', ')})`).toBe('SUCCEEDED');
    expect(await settled(() => simCredentials(gs, f.sim.tenantId, f.sim.appId).app)).toEqual([f.sim.newSha1]);
  });

  it('re-establish (recreate): one new application (upserted on the rotation’s uniqueName), its service principal once replicated, only the new key', async () => {
    const f = await rotationFixture(gs, { index: 2 });
    const tenant = gs.sim.admin.getTenant(f.sim.tenantId);
    const appsBefore = tenant.applications.size;
    const rotation = await startRotation(ctx(), {
      connectorId: f.connector.id,
      toCertificateId: f.newCert.id,
      mode: 'reestablish',
      recreate: true,
    });
    const outcomes = await runToEnd(rotation.id);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state, `${r.errorCode}: ${r.errorMessage} (${outcomes.join(', ')})`).toBe('SUCCEEDED');
    const connector = await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } });
    const recreated = [...tenant.applications.values()].filter(
      (a) => a.uniqueName === recreatedUniqueName(rotation.id),
    );
    expect(recreated.map((a) => a.appId)).toEqual([connector.appId]);
    // One deleted, one created: no duplicate.
    expect(tenant.applications.size).toBe(appsBefore);
    expect(tenant.spsByAppId.has(connector.appId)).toBe(true);
    expect(outcomes).toContain('recreate_connection:failed_transient');
    expect(await settled(() => simCredentials(gs, f.sim.tenantId, connector.appId).app)).toEqual([f.sim.newSha1]);
  });
});
