/**
 * Rotations advanced side by side as a step group (step-group.ts): their locks, re-reads and
 * single-statement commits go to PostgreSQL together. Checked against the real database and the
 * simulator: every rotation ends as it would alone (only the new key in the tenant, one step row
 * and one audit event per step, the chain intact), statements were shared, a member whose rotation
 * changed underneath is refused alone, and a rotation another process holds is left alone.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';
import { db } from '@/lib/db';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation, type AdvanceOutcome } from '@/lib/rotation/advance-rotation';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { closeLeasePool, withRotationLease } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { StepGroup, stepGroupTotals } from '@/lib/rotation/step-group';
import { rotationFixture, simCredentials, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import { NO_REPLICATION_LAG } from '@/sim/directory/replication';

let gs: GraphSim;
let deps: RotationDeps;
const ctx = () => createUseCaseContext({ actor: { id: null, label: 'test-admin' }, now: new Date() });

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  deps = testRotationDeps(gs);
});
afterAll(async () => {
  await gs?.close();
  await closeJobQueues();
  await closeLeasePool();
});
beforeEach(() => {
  gs.sim.reset();
  // Without lag every member takes the same steps at the same time: the group gathers fully.
  gs.sim.admin.setReplication(NO_REPLICATION_LAG);
});

/** `n` rotations of distinct connectors (the simulator's healthy tenants have a few; beforeEach resets them). */
async function startMany(n: number) {
  const available = gs.manifest.tenants
    .filter((t) => t.scenarios.length === 0)
    .reduce((a, t) => a + t.connectors.length, 0);
  expect(available).toBeGreaterThanOrEqual(n);
  const out = [];
  for (let i = 0; i < n; i++) {
    const f = await rotationFixture(gs, { index: i });
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    out.push({ f, rotation });
  }
  return out;
}

/** Runs each rotation in one advanceRotation call as a member of one group, as the worker does. */
async function advanceTogether(ids: string[], d: RotationDeps = deps) {
  const before = stepGroupTotals();
  const group = new StepGroup(ids.length);
  const outs = await Promise.all(ids.map((id) => advanceRotation(id, d, { group }).finally(() => group.leave())));
  const after = stepGroupTotals();
  return { group, outs, batches: after.batches - before.batches, requests: after.requests - before.requests };
}

async function stepsOf(id: string) {
  return (await db.rotationStep.findMany({ where: { rotationId: id }, orderBy: { at: 'asc' } })).map(
    (s) => `${s.step}:${s.outcome}`,
  );
}

/**
 * The Graph port for each member, where the victim's first Graph call is preceded by another
 * writer moving its rotation (its version bumped): that member's commit must then be refused.
 */
function movesUnderneath(victim: string) {
  const base = deps.graph;
  let bumped = false;
  return (id: string) =>
    new Proxy(base, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return async (...args: unknown[]) => {
          if (id === victim && !bumped) {
            bumped = true;
            await db.$executeRaw`UPDATE "Rotation" SET "version" = "version" + 1 WHERE "id" = ${victim}::uuid`;
          }
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
}

describe('rotations advancing as a step group', () => {
  it('end exactly as alone — only the new key in each tenant, one step row and audit event per step — with statements shared', async () => {
    const started = await startMany(3);
    const { group, outs, batches, requests } = await advanceTogether(started.map((s) => s.rotation.id));

    for (const [i, { f, rotation }] of started.entries()) {
      expect(outs[i]).toMatchObject({ kind: 'stepped', state: 'SUCCEEDED' });
      const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
      expect(r).toMatchObject({ state: 'SUCCEEDED', step: 'done' });
      // The world: the tenant holds the new key only.
      expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
      expect(await stepsOf(rotation.id)).toEqual([
        'preflight:succeeded',
        'add_new:succeeded',
        'verify_new:succeeded',
        'remove_old:succeeded',
        'verify_old_gone:succeeded',
      ]);
      const audit = await db.auditEvent.findMany({ where: { targetId: rotation.id }, orderBy: { seq: 'asc' } });
      expect(audit.map((a) => a.action)).toEqual([
        'rotation.started',
        'rotation.step.preflight',
        'rotation.step.add_new',
        'rotation.step.verify_new',
        'rotation.step.remove_old',
        'rotation.step.verify_old_gone',
        'rotation.succeeded',
      ]);
      const connector = await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } });
      expect(connector.currentCertificateId).toBe(f.newCert.id);
    }
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
    // Locks, unlocks, re-reads and step commits of 3 rotations: fewer statements than requests.
    expect(requests).toBeGreaterThan(batches);
    expect(group.active).toBe(0);
  });

  it('refuses only the member whose rotation changed while its step ran; the others commit', async () => {
    const started = await startMany(3);
    const victim = started[1]!.rotation.id;
    // Another writer moves one rotation while its preflight reads the tenant.
    const graphFor = movesUnderneath(victim);
    const group = new StepGroup(3);
    const outs: AdvanceOutcome[] = await Promise.all(
      started.map(({ rotation }) =>
        advanceRotation(rotation.id, { ...deps, graph: graphFor(rotation.id) }, { group, maxSteps: 1 }).finally(() =>
          group.leave(),
        ),
      ),
    );
    expect(outs[1]).toMatchObject({ kind: 'stale' });
    expect(await stepsOf(victim)).toEqual([]);
    expect((await db.auditEvent.findMany({ where: { targetId: victim } })).map((a) => a.action)).toEqual([
      'rotation.started',
    ]);
    for (const i of [0, 2]) {
      expect(outs[i]).toMatchObject({ kind: 'stepped', steps: ['preflight'] });
      expect(await stepsOf(started[i]!.rotation.id)).toEqual(['preflight:succeeded']);
    }
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });

  it("ends its members' rotations in one transaction: one xid on every rotation and connector row the ends wrote", async () => {
    const started = await startMany(3);
    const ids = started.map((s) => s.rotation.id);
    const { outs } = await advanceTogether(ids);
    expect(outs.map((o) => (o.kind === 'stepped' ? o.state : o.kind))).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    // A row's xmin is the transaction that last wrote it: the end wrote each rotation's final state
    // and its connector's new certificate and status.
    const xids = await db.$queryRaw<{ xid: string }[]>`
      SELECT xmin::text AS xid FROM "Rotation" WHERE id = ANY(${ids}::uuid[])
      UNION ALL SELECT xmin::text FROM "Connector" WHERE id = ANY(${started.map((s) => s.f.connector.id)}::uuid[])`;
    expect(xids).toHaveLength(6);
    expect(new Set(xids.map((x) => x.xid)).size).toBe(1);
    for (const { f } of started) {
      expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
      expect(await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } })).toMatchObject({
        currentCertificateId: f.newCert.id,
        status: 'healthy',
      });
    }
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });

  it('ends the others when one member cannot end (its rotation moved underneath): each in a transaction of its own', async () => {
    const started = await startMany(3);
    const ids = started.map((s) => s.rotation.id);
    // Up to the last step, together.
    const group1 = new StepGroup(3);
    await Promise.all(
      ids.map((id) => advanceRotation(id, deps, { group: group1, maxSteps: 4 }).finally(() => group1.leave())),
    );
    for (const id of ids)
      expect(await db.rotation.findUniqueOrThrow({ where: { id } })).toMatchObject({ step: 'verify_old_gone' });
    const victim = ids[1]!;
    const graphFor = movesUnderneath(victim);
    const group2 = new StepGroup(3);
    const outs = await Promise.all(
      ids.map((id) =>
        advanceRotation(id, { ...deps, graph: graphFor(id) }, { group: group2 }).finally(() => group2.leave()),
      ),
    );
    expect(outs[1]).toMatchObject({ kind: 'stale' });
    expect(await db.rotation.findUniqueOrThrow({ where: { id: victim } })).toMatchObject({
      state: 'RUNNING',
      step: 'verify_old_gone',
    });
    expect((await stepsOf(victim)).at(-1)).toBe('remove_old:succeeded');
    expect(
      (await db.auditEvent.findMany({ where: { targetId: victim }, orderBy: { seq: 'asc' } }))
        .map((a) => a.action)
        .at(-1),
    ).toBe('rotation.step.remove_old');
    for (const i of [0, 2]) {
      expect(outs[i]).toMatchObject({ kind: 'stepped', state: 'SUCCEEDED' });
      expect((await stepsOf(ids[i]!)).at(-1)).toBe('verify_old_gone:succeeded');
      const f = started[i]!.f;
      expect(await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } })).toMatchObject({
        currentCertificateId: f.newCert.id,
      });
    }
    // The two that ended did so in transactions of their own, after the shared one rolled back.
    const xids = await db.$queryRaw<{ xid: string }[]>`
      SELECT xmin::text AS xid FROM "Rotation" WHERE id = ANY(${[ids[0]!, ids[2]!]}::uuid[])`;
    expect(new Set(xids.map((x) => x.xid)).size).toBe(2);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });

  it('leaves a rotation that another process holds to it (busy) and runs the rest', async () => {
    const started = await startMany(2);
    const held = started[0]!.rotation.id;
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    let acquired!: () => void;
    const isHeld = new Promise<void>((r) => (acquired = r));
    const holder = withRotationLease(held, async () => {
      acquired();
      await holding;
    });
    await isHeld;
    const { outs } = await advanceTogether(started.map((s) => s.rotation.id));
    release();
    await holder;
    expect(outs[0]).toEqual({ kind: 'busy' });
    expect(await stepsOf(held)).toEqual([]);
    expect(outs[1]).toMatchObject({ kind: 'stepped', state: 'SUCCEEDED' });
    const f = started[1]!.f;
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
  });
});
