/**
 * The rotation engine against real PostgreSQL and the real lib/graph talking to the in-process
 * simulator (the only stand-in). Steps are driven with advanceRotation directly; worker.db.test.ts
 * runs them through pg-boss, and crash-resume.db.test.ts kills worker processes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { cancelRotation } from '@/lib/rotation/cancel-rotation';
import { loadRotation, buildStepContext } from '@/lib/rotation/load-rotation';
import { retryRotation } from '@/lib/rotation/retry-rotation';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import { readFacts } from '@/lib/rotation/rotation-facts';
import { closeLeasePool, withRotationLease } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { addNew } from '@/lib/rotation/steps/add-new';
import { rotationFixture, simCredentials, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import { NO_REPLICATION_LAG } from '@/sim/directory/replication';
import { DEMO_REPLICATION } from '@/sim/server';

let gs: GraphSim;
let deps: RotationDeps;
const actor = { id: null, label: 'test-admin' };
const ctx = () => createUseCaseContext({ actor, now: new Date() });

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
  gs.sim.admin.setReplication(DEMO_REPLICATION);
});

/** A make-before-break rotation's steps, each once: one run without replication lag. */
const ROTATE_STEPS = ['preflight', 'add_new', 'verify_new', 'remove_old', 'verify_old_gone'];

/** Tests that stop between steps run one step per call (the engine goes on by itself otherwise). */
const ONE_STEP = { maxSteps: 1 };

/** Advances until the rotation stops moving (terminal or NEEDS_ATTENTION); returns the step names run. */
async function runToEnd(id: string, d: RotationDeps = deps): Promise<string[]> {
  const ran: string[] = [];
  for (let i = 0; i < 60; i++) {
    const r = await advanceRotation(id, d);
    if (r.kind === 'stepped') ran.push(...r.steps);
    else if (r.kind === 'not_due')
      await new Promise((res) => setTimeout(res, Math.max(1, r.at.getTime() - Date.now())));
    else if (r.kind === 'idle') return ran;
    else throw new Error(`unexpected ${JSON.stringify(r)}`);
  }
  throw new Error('rotation did not finish');
}

/**
 * The plan as it ran: each step once, in the order first run. The simulator replicates writes with
 * a lag (as Entra ID does), so a step may run again after a stale read; tests assert the plan and
 * the outcome in the tenant, not how often a step was retried.
 */
const plan = (ran: string[]) => [...new Set(ran)];

/** One step at a time (waiting out retries) until the rotation is at `step`. */
async function runUntilStep(id: string, step: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await db.rotation.findUniqueOrThrow({ where: { id } })).step === step) return;
    const r = await advanceRotation(id, deps, ONE_STEP);
    if (r.kind === 'not_due') await new Promise((res) => setTimeout(res, Math.max(1, r.at.getTime() - Date.now())));
  }
  throw new Error(`rotation never reached ${step}`);
}

async function steps(id: string) {
  return (await db.rotationStep.findMany({ where: { rotationId: id }, orderBy: { at: 'asc' } })).map(
    (s) => `${s.step}:${s.outcome}`,
  );
}

describe('rotate key (make-before-break)', () => {
  it('adds the new key with addKey when Rekey holds the old key, verifies, removes the old one and proves it is refused', async () => {
    // Lag off for this one test, on purpose: it counts the reads of one uninterrupted run (the
    // read economy), which a stale read would change. Every other test here runs with the lag on.
    gs.sim.admin.setReplication(NO_REPLICATION_LAG);
    const f = await rotationFixture(gs);
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.oldSha1]);
    const rotation = await startRotation(ctx(), {
      connectorId: f.connector.id,
      toCertificateId: f.newCert.sha1Thumbprint.toLowerCase(),
    });
    expect(rotation).toMatchObject({
      state: 'PENDING',
      step: 'preflight',
      mode: 'rotate',
      fromCertificateId: f.oldCert.id,
      toCertificateId: f.newCert.id,
    });

    // A drift the last scan reported: cleared by what the rotation's last verification reads.
    await db.connector.update({ where: { id: f.connector.id }, data: { driftDetail: { reason: 'unexpected key' } } });

    // One run takes every step (each committed on its own), reading the connection once per write.
    // (The job startRotation queued is taken away, so any job queued by the run would show.)
    await db.$executeRawUnsafe(
      `DELETE FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1`,
      rotation.id,
    );
    const graphBefore = { ...gs.graph.gateway.counters };
    const out = await advanceRotation(rotation.id, deps);
    expect(out).toMatchObject({
      kind: 'stepped',
      state: 'SUCCEEDED',
      steps: ROTATE_STEPS,
    });
    const g = gs.graph.gateway.counters;
    // 3 reads ($batch of application + service principal) and 2 writes (addKey, removeKey).
    expect({ requests: g.requests - graphBefore.requests, batchItems: g.batchItems - graphBefore.batchItems }).toEqual({
      requests: 5,
      batchItems: 6,
    });
    expect(await steps(rotation.id)).toEqual(ROTATE_STEPS.map((step) => `${step}:succeeded`));
    // Nothing was queued by a run that finished the rotation.
    const queued = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1`,
      rotation.id,
    );
    expect(Number(queued[0]?.n)).toBe(0);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r).toMatchObject({ state: 'SUCCEEDED', step: 'done', errorCode: null });
    // Times are stored exactly (UTC, not shifted by a time zone): within this test's minute, in order.
    expect(Math.abs(r.finishedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(r.startedAt!.getTime()).toBeLessThanOrEqual(r.finishedAt!.getTime());
    const history = await db.rotationStep.findMany({ where: { rotationId: rotation.id }, orderBy: { at: 'asc' } });
    expect(
      history.every((h) => h.at.getTime() >= r.startedAt!.getTime() && h.at.getTime() <= r.finishedAt!.getTime()),
    ).toBe(true);
    const audits = await db.auditEvent.findMany({ where: { targetId: rotation.id }, orderBy: { seq: 'asc' } });
    expect(audits.every((a) => Math.abs(a.at.getTime() - Date.now()) < 60_000)).toBe(true);
    const facts = readFacts(r.facts);
    expect(facts.add).toMatchObject({ path: 'addKey', alreadyPresent: false });
    expect(facts.add?.reason).toMatch(/holds the private key of the current credential/);
    expect(facts.verifyNew).toMatchObject({ method: 'token' });
    expect(facts.verifyOldGone).toMatchObject({ method: 'token', detail: 'AADSTS700027' });
    expect(facts.before?.app.map((c) => c.sha1)).toEqual([f.sim.oldSha1]);
    expect(facts.after?.app.map((c) => c.sha1)).toEqual([f.sim.newSha1]);

    const tenantNow = simCredentials(gs, f.sim.tenantId, f.sim.appId);
    expect(tenantNow.app).toEqual([f.sim.newSha1]);
    expect(tenantNow.sp).not.toContain(f.sim.oldSha1);
    const connector = await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } });
    expect(connector.currentCertificateId).toBe(f.newCert.id);
    expect(connector.expectedThumbprints).toEqual([f.sim.newSha1]);
    // The inventory now reflects what the tenant holds, and the connector is re-classified from it.
    expect(
      readObservedCredentials(connector.observedCredentials)
        .filter((c) => c.on === 'application' && !c.kind)
        .map((c) => c.thumbprint),
    ).toEqual([f.sim.newSha1]);
    expect(connector.status).toBe('healthy');
    // …as of the last verification read (stored in UTC, as Prisma stores it), the drift cleared.
    expect(connector.observedAt?.toISOString()).toBe(facts.after?.at);
    expect(connector.driftDetail).toBeNull();
    expect(Math.abs(connector.updatedAt.getTime() - Date.now())).toBeLessThan(60_000);
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
    expect(audit[0]?.actorLabel).toBe('test-admin');
  });

  it('under replication lag: ends with only the new key, the old one refused, the connector healthy', async () => {
    expect(gs.sim.context.replication.config.enabled).toBe(true);
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    expect(plan(await runToEnd(rotation.id))).toEqual([
      'preflight',
      'add_new',
      'verify_new',
      'remove_old',
      'verify_old_gone',
    ]);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r).toMatchObject({ state: 'SUCCEEDED', step: 'done', errorCode: null });
    expect(readFacts(r.facts).verifyNew).toMatchObject({ method: 'token' });
    expect(readFacts(r.facts).verifyOldGone).toMatchObject({ method: 'token', detail: 'AADSTS700027' });
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
    const connector = await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } });
    expect(connector).toMatchObject({ currentCertificateId: f.newCert.id, status: 'healthy' });
  });

  it('adds with PATCH and says why when Rekey does not hold the old private key', async () => {
    const f = await rotationFixture(gs, { holdOldKey: false });
    // What the last scan saw besides certificates: a client secret.
    const secret = {
      keyId: 'secret-1',
      thumbprint: null,
      displayName: 'ops',
      on: 'application',
      kind: 'secret',
      hint: 'abc',
    };
    await db.connector.update({ where: { id: f.connector.id }, data: { observedCredentials: [secret] } });
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    await runToEnd(rotation.id);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state).toBe('SUCCEEDED');
    const facts = readFacts(r.facts);
    expect(facts.add).toMatchObject({ path: 'patch' });
    expect(facts.add?.reason).toMatch(/private key/);
    expect(facts.verifyOldGone).toMatchObject({ method: 'presence' });
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
    // The verification reads certificates only: the secret stays on record beside the new key.
    const connector = await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } });
    expect(
      readObservedCredentials(connector.observedCredentials).map((c) => [
        c.kind ?? 'certificate',
        c.thumbprint ?? c.hint,
      ]),
    ).toEqual([
      ['certificate', f.sim.newSha1],
      ['secret', 'abc'],
    ]);
  });

  it('re-running add_new after a crash that wrote to the tenant but never committed adds nothing twice', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    await advanceRotation(rotation.id, deps, ONE_STEP); // preflight
    // A worker ran add_new against the tenant and died before its transaction committed:
    const loaded = (await loadRotation(rotation.id))!;
    expect(loaded.step).toBe('add_new');
    await addNew(await buildStepContext(loaded, deps, new Date()));
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.oldSha1, f.sim.newSha1]);
    // The next worker starts after the write has replicated (a restart takes longer than the lag).
    await new Promise((res) => setTimeout(res, DEMO_REPLICATION.maxLagMs + 50));
    // The next worker runs add_new again and finishes the rotation.
    await runToEnd(rotation.id);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state).toBe('SUCCEEDED');
    expect(readFacts(r.facts).add).toMatchObject({ alreadyPresent: true });
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
  });

  it('discards a step whose rotation changed while it ran: no step row, no audit event, the row as the other writer left it', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    // Another writer moves the rotation while preflight reads the tenant (the step's one commit
    // — a single statement on this path — must see the version it started from is gone).
    const base = deps.graph;
    const graph = new Proxy(base, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return async (...args: unknown[]) => {
          await db.$executeRaw`UPDATE "Rotation" SET "version" = "version" + 1 WHERE "id" = ${rotation.id}::uuid`;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const out = await advanceRotation(rotation.id, { ...deps, graph }, ONE_STEP);
    expect(out).toMatchObject({ kind: 'stale' });
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r).toMatchObject({ state: 'PENDING', step: 'preflight', attempts: 0, startedAt: null });
    expect(r.version).toBeGreaterThan(rotation.version);
    expect(await steps(rotation.id)).toEqual([]);
    const audit = await db.auditEvent.findMany({ where: { targetId: rotation.id } });
    expect(audit.map((a) => a.action)).toEqual(['rotation.started']);
    // Run again, it goes on from what is stored.
    expect(plan(await runToEnd(rotation.id))).toContain('verify_old_gone');
  });

  it('rolls back when the new credential cannot be verified: removes the new key, keeps the old one, and says so', async () => {
    const f = await rotationFixture(gs, { wrongNewKey: true });
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    await runToEnd(rotation.id);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state).toBe('ROLLED_BACK');
    expect(r.errorMessage).toMatch(
      /The new credential could not be verified: .* Rekey removed the new credential again; the old credential is still in place and still works\./,
    );
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.oldSha1]);
    expect((await steps(rotation.id)).at(-1)).toBe('rollback_remove_new:succeeded');
    const connector = await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } });
    expect(connector.currentCertificateId).toBe(f.oldCert.id);
  });

  it('waits and retries after a transient Graph failure, then completes', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    await advanceRotation(rotation.id, deps, ONE_STEP); // preflight
    gs.sim.faults.failNext(30, 503, { retryAfterSeconds: 0 });
    const fast = testRotationDeps(gs, { retryPolicy: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 400 } });
    const out = await advanceRotation(rotation.id, fast, ONE_STEP);
    expect(out).toMatchObject({ kind: 'stepped', state: 'WAITING', nextStep: 'add_new' });
    const waiting = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(waiting).toMatchObject({ state: 'WAITING', attempts: 1, errorCode: 'GRAPH_UNAVAILABLE' });
    expect(waiting.nextAttemptAt).not.toBeNull();
    gs.sim.faults.clear();
    await runToEnd(rotation.id, fast);
    expect((await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } })).state).toBe('SUCCEEDED');
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
  });
});

describe('re-establish connection', () => {
  it('removes the compromised credential first, then adds and verifies the new one', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), {
      connectorId: f.connector.id,
      toCertificateId: f.newCert.id,
      mode: 'reestablish',
    });
    expect(plan(await runToEnd(rotation.id))).toEqual([
      'preflight',
      'remove_old',
      'add_new',
      'verify_new',
      'verify_old_gone',
    ]);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state).toBe('SUCCEEDED');
    expect(readFacts(r.facts).add).toMatchObject({ path: 'patch' });
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
  });

  it('deletes and recreates the connection with the same permissions, consent and only the new certificate', async () => {
    const f = await rotationFixture(gs);
    const spBefore = gs.sim.admin.getTenant(f.sim.tenantId).spsByAppId.get(f.sim.appId)!;
    const grantsBefore = [...gs.sim.admin.getTenant(f.sim.tenantId).assignments.values()]
      .filter((a) => a.principalId === spBefore.id)
      .map((a) => `${a.resourceId}/${a.appRoleId}`)
      .sort();
    const rotation = await startRotation(ctx(), {
      connectorId: f.connector.id,
      toCertificateId: f.newCert.id,
      mode: 'reestablish',
      recreate: true,
    });
    expect(plan(await runToEnd(rotation.id))).toEqual([
      'preflight',
      'snapshot_connection',
      'delete_connection',
      'recreate_connection',
      'add_new',
      'restore_consent',
      'verify_new',
      'verify_old_gone',
    ]);
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.state).toBe('SUCCEEDED');
    const facts = readFacts(r.facts);
    const connector = await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } });
    expect(connector.appId).toBe(facts.recreated?.appId);
    expect(connector.appId).not.toBe(f.sim.appId);
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).appExists).toBe(false);
    expect(simCredentials(gs, f.sim.tenantId, connector.appId).app).toEqual([f.sim.newSha1]);
    const spAfter = gs.sim.admin.getTenant(f.sim.tenantId).spsByAppId.get(connector.appId)!;
    const grantsAfter = [...gs.sim.admin.getTenant(f.sim.tenantId).assignments.values()]
      .filter((a) => a.principalId === spAfter.id)
      .map((a) => `${a.resourceId}/${a.appRoleId}`)
      .sort();
    expect(grantsAfter).toEqual(grantsBefore);
  });
});

describe('one active rotation per connector', () => {
  it('runs one of two concurrent starts and refuses the other clearly', async () => {
    const f = await rotationFixture(gs);
    const results = await Promise.allSettled([
      startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id }),
      startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const err = refused[0]!.reason as RekeyError;
    expect(err).toBeInstanceOf(RekeyError);
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(
      new RegExp(
        `already has an active rotation \\(rotation [0-9a-f-]{36}, PENDING at step preflight, started by test-admin at .*\\); wait for it to finish or cancel it`,
      ),
    );
    expect(await db.rotation.count({ where: { connectorId: f.connector.id } })).toBe(1);
  });

  it('checks the typed confirmation of a delete-first rotation after its one load, and writes nothing when it differs', async () => {
    const f = await rotationFixture(gs);
    const start = (confirmText: string) =>
      startRotation(ctx(), {
        connectorId: f.connector.id,
        toCertificateId: f.newCert.id,
        mode: 'reestablish',
        confirmText,
      });
    await expect(start('not the name')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      details: { fieldErrors: { confirmText: ['The typed text does not match.'] } },
    });
    expect(await db.rotation.count({ where: { connectorId: f.connector.id } })).toBe(0);
    const rotation = await start(` ${f.connector.displayName} `);
    expect(rotation).toMatchObject({ mode: 'reestablish', state: 'PENDING' });
  });

  it('refuses the current certificate and an unknown one', async () => {
    const f = await rotationFixture(gs);
    await expect(startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.oldCert.id })).rejects.toThrow(
      /already the current certificate/,
    );
    await expect(
      startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: 'AB'.repeat(20) }),
    ).rejects.toThrow(/No certificate .* in the inventory/);
  });

  it('lets only one process advance a rotation at a time', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const inner = await withRotationLease(rotation.id, () => advanceRotation(rotation.id, deps));
    expect(inner).toEqual({ acquired: true, value: { kind: 'busy' } });
    expect((await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } })).state).toBe('PENDING');
  });
});

describe('cancel and retry', () => {
  it('cancels after the new key was added by removing it again', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    await advanceRotation(rotation.id, deps, ONE_STEP); // preflight
    await advanceRotation(rotation.id, deps, ONE_STEP); // add_new
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.oldSha1, f.sim.newSha1]);
    expect(await cancelRotation(ctx(), rotation.id)).toMatchObject({ state: 'RUNNING', step: 'cancel_remove_new' });
    await runToEnd(rotation.id);
    expect((await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } })).state).toBe('CANCELLED');
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.oldSha1]);
  });

  it('sees a cancel that arrives between two steps of a run: removes the new key instead of the old one', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    // While a step runs, the run holds the lock and a cancel is refused (next test); between two
    // steps it gets in — here right after add_new committed, before verify_new.
    const out = await advanceRotation(rotation.id, deps, {
      betweenSteps: async (done) => {
        if (done.at(-1) === 'add_new') await cancelRotation(ctx(), rotation.id);
      },
    });
    expect(out).toMatchObject({ kind: 'stepped', steps: ['preflight', 'add_new', 'cancel_remove_new'] });
    // Under replication lag the removal may first read a replica without the new key: it waits
    // (failed_transient) instead of saying "nothing to remove", and finishes once the add shows.
    await runToEnd(rotation.id);
    expect((await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } })).state).toBe('CANCELLED');
    expect((await steps(rotation.id)).filter((s) => s !== 'cancel_remove_new:failed_transient')).toEqual([
      'preflight:succeeded',
      'add_new:succeeded',
      'verify_new:cancel_requested',
      'cancel_remove_new:succeeded',
    ]);
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.oldSha1]);
  });

  it('keeps the lock from a step to the one that follows at once, and lets go of it before each read-back', async () => {
    // Lag off: one uninterrupted run (a stale read would queue a retry and end it early).
    gs.sim.admin.setReplication(NO_REPLICATION_LAG);
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const started = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    // The run lets go of the lock only where a cancel may get in: before verify_new and
    // verify_old_gone (which wait for replication first). There it is free for anyone to take.
    const gaps: { after: string[]; free: boolean }[] = [];
    const out = await advanceRotation(rotation.id, deps, {
      betweenSteps: async (done) => {
        const probe = await withRotationLease(rotation.id, async () => 'free');
        gaps.push({ after: [...done], free: probe.acquired });
      },
    });
    expect(out).toMatchObject({
      kind: 'stepped',
      state: 'SUCCEEDED',
      steps: ROTATE_STEPS,
    });
    // No gap after preflight, none after verify_new: add_new and remove_old ran under the lock of
    // the step before.
    expect(gaps).toEqual([
      { after: ['preflight', 'add_new'], free: true },
      { after: ['preflight', 'add_new', 'verify_new', 'remove_old'], free: true },
    ]);
    // add_new and remove_old went on from the row their predecessor's commit returned: the
    // rotation ends as stored step by step — one version per step, started and finished once.
    const r = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(r.version).toBe(started.version + 5);
    expect(r.startedAt).not.toBeNull();
    expect(r.finishedAt).not.toBeNull();
    expect(r.startedAt!.getTime()).toBeLessThan(
      (await db.rotationStep.findFirstOrThrow({ where: { rotationId: rotation.id, step: 'add_new' } })).at.getTime(),
    );
    expect(await steps(rotation.id)).toEqual(ROTATE_STEPS.map((step) => `${step}:succeeded`));
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
  });

  it('refuses a cancel while a step holds the lock', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const refused: unknown[] = [];
    const port = deps.graph;
    const probing: RotationDeps = {
      ...deps,
      graph: {
        ...port,
        grantedRoles: async (t) => (
          refused.push(await cancelRotation(ctx(), rotation.id).catch((e: unknown) => e)),
          port.grantedRoles(t)
        ),
      },
    };
    await advanceRotation(rotation.id, probing, ONE_STEP);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/A step of rotation .* is running right now; try again in a few seconds/),
    });
  });

  it('refuses to cancel once the old credential may be gone, and retries from NEEDS_ATTENTION', async () => {
    const f = await rotationFixture(gs);
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    await runUntilStep(rotation.id, 'remove_old'); // preflight, add_new, verify_new (retried while replicating)
    // Take away the management app's write permission: remove_old fails permanently (403 again
    // after the gateway re-acquires its token once).
    gs.sim.faults.failNext(2, 403, { retryAfterSeconds: null, target: 'graph' });
    await advanceRotation(rotation.id, deps, ONE_STEP);
    const stuck = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(stuck).toMatchObject({ state: 'NEEDS_ATTENTION', step: 'remove_old' });
    expect(stuck.errorMessage).toMatch(/cancelling is not possible/);
    await expect(cancelRotation(ctx(), rotation.id)).rejects.toThrow(
      /Cannot cancel rotation .*old credential may already have been removed/,
    );
    expect(await retryRotation(ctx(), rotation.id)).toMatchObject({ state: 'RUNNING', step: 'remove_old' });
    await runToEnd(rotation.id);
    expect((await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } })).state).toBe('SUCCEEDED');
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
    expect(await steps(rotation.id)).toContain('remove_old:retry_requested');
  });
});
