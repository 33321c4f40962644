/**
 * Make-before-break waits for the vendor's cutover (ADR 022), against real PostgreSQL and the
 * in-process simulator: the vendor's service signs in with the new key through the simulator's
 * real token endpoint (a client assertion signed with the new private key, from an address the
 * test chooses), and the test reads the simulator's keys after every outcome.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { getCampaignProgress } from '@/lib/campaigns/get-campaign-progress';
import { buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { cancelRotation } from '@/lib/rotation/cancel-rotation';
import { confirmCutover } from '@/lib/rotation/confirm-cutover';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { readFacts } from '@/lib/rotation/rotation-facts';
import { enqueueAdvance } from '@/lib/rotation/rotation-advance-queue';
import { closeLeasePool, withRotationLease } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { sweepRotations } from '@/lib/rotation/sweep-rotations';
import { rotationFixture, simCredentials, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import { DEMO_REPLICATION } from '@/sim/server';
import { simMsal, simToken } from '@/sim/testing/sim-clients';

let gs: GraphSim;
let deps: RotationDeps;
const actor = { id: null, label: 'test-admin' };
const ctx = () => createUseCaseContext({ actor, now: new Date() });
const VENDOR_IP = '198.51.100.23';
const ELSEWHERE_IP = '203.0.113.66';
const HOUR = 3_600_000;

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  // Looks again after 300 ms (production: REKEY_CUTOVER_RECHECK_SECONDS, 5 minutes).
  deps = testRotationDeps(gs, { cutoverRecheckMs: 300 });
});
afterAll(async () => {
  await gs?.close();
  await closeJobQueues();
  await closeLeasePool();
});
beforeEach(async () => {
  gs.sim.reset();
  gs.sim.admin.setReplication(DEMO_REPLICATION);
  await db.setting.upsert({
    where: { key: 'detection.vendorCidrs' },
    update: { value: ['198.51.100.0/24'] },
    create: { key: 'detection.vendorCidrs', value: ['198.51.100.0/24'] },
  });
});

const sleepUntil = (at: Date) => new Promise((res) => setTimeout(res, Math.max(1, at.getTime() - Date.now())));

/** Advances until the rotation waits for the cutover (WAITING at await_cutover), through retries. */
async function runUntilWaiting(id: string, d: RotationDeps = deps) {
  for (let i = 0; i < 40; i++) {
    const row = await db.rotation.findUniqueOrThrow({ where: { id } });
    if (row.step === 'await_cutover' && row.state === 'WAITING') return row;
    const r = await advanceRotation(id, d);
    if (r.kind === 'not_due') await sleepUntil(r.at);
    else if (r.kind === 'idle') throw new Error(`rotation stopped at ${row.step} (${row.state}): ${row.errorMessage}`);
  }
  throw new Error('rotation never waited for the cutover');
}

/** Advances (waiting out retries and rechecks) until the rotation is terminal. */
async function runToEnd(id: string, d: RotationDeps = deps) {
  for (let i = 0; i < 60; i++) {
    const r = await advanceRotation(id, d);
    if (r.kind === 'not_due') await sleepUntil(r.at);
    else if (r.kind === 'idle') return db.rotation.findUniqueOrThrow({ where: { id } });
    else if (r.kind === 'stepped' && r.state === 'WAITING') {
      const row = await db.rotation.findUniqueOrThrow({ where: { id } });
      if (row.nextAttemptAt) await sleepUntil(row.nextAttemptAt);
    }
  }
  throw new Error('rotation did not finish');
}

async function waitingFixture(hours = 72, d: RotationDeps = deps) {
  const f = await rotationFixture(gs);
  const rotation = await startRotation(ctx(), {
    connectorId: f.connector.id,
    toCertificateId: f.newCert.id,
    cutoverWaitHours: hours,
  });
  const row = await runUntilWaiting(rotation.id, d);
  return { f: { ...f, rotationId: rotation.id }, id: rotation.id, row };
}

/** The vendor's service gets a token with the NEW key, as the connector app, from `ip` (after the wait began). */
async function vendorSignsIn(f: Awaited<ReturnType<typeof rotationFixture>> & { rotationId: string }, ip: string) {
  const row = await db.rotation.findUniqueOrThrow({ where: { id: f.rotationId } });
  await sleepUntil(new Date(new Date(readFacts(row.facts).cutover!.since!).getTime() + 10));
  const cca = simMsal(
    gs.sim,
    f.sim.tenantId,
    f.sim.appId,
    { privateKeyPem: f.built.keyPem, sha1Hex: f.newCert.sha1Thumbprint, sha256Hex: f.newCert.sha256Thumbprint },
    { headers: { 'x-sim-client-ip': ip } },
  );
  await simToken(cca);
}

const steps = async (id: string) =>
  (await db.rotationStep.findMany({ where: { rotationId: id }, orderBy: { at: 'asc' } })).map(
    (s) => `${s.step}:${s.outcome}`,
  );

describe('make-before-break waits for the vendor’s cutover', () => {
  it('waits after verifying the new key, keeping both keys and holding no lease, with a job queued for the next look', async () => {
    const { f, id, row } = await waitingFixture();
    const facts = readFacts(row.facts);
    expect(facts.cutover).toMatchObject({ hours: 72, lastCheck: { logs: 'available', vendorSignIns: 0 } });
    expect(new Date(facts.cutover!.until!).getTime() - new Date(facts.cutover!.since!).getTime()).toBe(72 * HOUR);
    // Both keys stay on the application while it waits.
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app.sort()).toEqual([f.sim.oldSha1, f.sim.newSha1].sort());
    // Rekey's own token test with the new key (verify_new) came before the wait: it does not end it.
    expect(row.nextAttemptAt).not.toBeNull();
    const lease = await withRotationLease(id, async () => 'free');
    expect(lease).toEqual({ acquired: true, value: 'free' });
    const jobs = await db.$queryRawUnsafe<{ start_after: Date }[]>(
      `SELECT start_after FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1 AND state = 'created'`,
      id,
    );
    expect(jobs).toHaveLength(1);
    // A look that sees nothing new writes no step row and no audit event.
    const before = await db.auditEvent.count({ where: { targetId: id } });
    await sleepUntil(row.nextAttemptAt!);
    expect(await advanceRotation(id, deps)).toMatchObject({ kind: 'stepped', state: 'WAITING' });
    expect(await db.auditEvent.count({ where: { targetId: id } })).toBe(before);
    expect((await steps(id)).filter((s) => s.startsWith('await_cutover'))).toEqual(['await_cutover:waiting']);
  });

  it('removes the old key once the vendor signs in with the new key from its known addresses', async () => {
    const { f, id } = await waitingFixture();
    await vendorSignsIn(f, VENDOR_IP);
    const end = await runToEnd(id);
    expect(end.state).toBe('SUCCEEDED');
    expect(readFacts(end.facts).cutover?.ended).toMatchObject({
      reason: 'vendor_sign_in',
      signIn: { ipAddress: VENDOR_IP },
    });
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
    expect(await steps(id)).toEqual(
      expect.arrayContaining(['await_cutover:waiting', 'await_cutover:succeeded', 'remove_old:succeeded']),
    );
  });

  it('keeps waiting, and shows it, when the new key is used only from an unknown address', async () => {
    const { f, id } = await waitingFixture();
    await vendorSignsIn(f, ELSEWHERE_IP);
    const row = await db.rotation.findUniqueOrThrow({ where: { id } });
    await sleepUntil(row.nextAttemptAt!);
    expect(await advanceRotation(id, deps)).toMatchObject({ kind: 'stepped', state: 'WAITING' });
    const after = await db.rotation.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ state: 'WAITING', step: 'await_cutover' });
    expect(readFacts(after.facts).cutover?.lastCheck).toMatchObject({
      vendorSignIns: 0,
      unknownSignIns: 1,
      unknown: [{ ipAddress: ELSEWHERE_IP }],
    });
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app.sort()).toEqual([f.sim.oldSha1, f.sim.newSha1].sort());
    // What it saw changed, so that look is on record.
    expect((await steps(id)).filter((s) => s === 'await_cutover:waiting')).toHaveLength(2);
    // The next looks see the same sign-in: no step row, no audit event.
    const audited = await db.auditEvent.count({ where: { targetId: id } });
    for (let i = 0; i < 2; i++) {
      const again = await db.rotation.findUniqueOrThrow({ where: { id } });
      await sleepUntil(again.nextAttemptAt!);
      expect(await advanceRotation(id, deps)).toMatchObject({ kind: 'stepped', state: 'WAITING' });
    }
    expect((await steps(id)).filter((s) => s === 'await_cutover:waiting')).toHaveLength(2);
    expect(await db.auditEvent.count({ where: { targetId: id } })).toBe(audited);
  });

  it('removes the old key when an admin confirms, audited with who confirmed', async () => {
    const { f, id } = await waitingFixture();
    const r = await confirmCutover(ctx(), { rotationId: id });
    expect(r).toMatchObject({ alreadyConfirmed: false, confirmedBy: 'test-admin' });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { targetId: id, action: 'rotation.cutover_confirmed' },
    });
    expect(audit.actorLabel).toBe('test-admin');
    const end = await runToEnd(id);
    expect(end.state).toBe('SUCCEEDED');
    expect(readFacts(end.facts).cutover?.ended?.reason).toBe('confirmed');
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
    // Only a waiting rotation can be confirmed.
    await expect(confirmCutover(ctx(), { rotationId: id })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('a confirmation brings the queued next run forward: it does not wait for the look due minutes later', async () => {
    // As in production: the next look at the sign-in logs is queued far ahead (here an hour).
    const { id, row } = await waitingFixture(72, testRotationDeps(gs, { cutoverRecheckMs: HOUR }));
    const waiting = () =>
      db.$queryRawUnsafe<{ start_after: Date }[]>(
        `SELECT start_after FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1 AND state = 'created'`,
        id,
      );
    // This test ran the steps itself, so the job its start queued still waits; a worker would have
    // taken each, and the waiting step's own job (the next look, an hour ahead) is the one left.
    await db.$executeRawUnsafe(
      `DELETE FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1 AND state = 'created'`,
      id,
    );
    await db.$transaction((tx) => enqueueAdvance(tx, id, row.nextAttemptAt!));
    const [before] = await waiting();
    expect(before!.start_after.getTime()).toBeGreaterThan(Date.now() + HOUR / 2);
    const confirmedAt = Date.now();
    await confirmCutover(ctx(), { rotationId: id });
    // Still one waiting run (the queue's one-per-rotation rule holds), now due at once.
    const after = await waiting();
    expect(after).toHaveLength(1);
    expect(after[0]!.start_after.getTime()).toBeLessThanOrEqual(Date.now());
    expect(after[0]!.start_after.getTime()).toBeGreaterThan(confirmedAt - 60_000);
  });

  it('a confirmation that arrives while a look at the sign-in logs holds the lock waits for it instead of being refused', async () => {
    const { id } = await waitingFixture();
    let released = 0;
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    // Another process looking at the tenant for 1.5 s (what a recheck does under the lock): the
    // admin confirms once it holds the lock.
    const look = withRotationLease(id, async () => {
      held();
      await new Promise((r) => setTimeout(r, 1_500));
      released = Date.now();
    });
    await holding;
    const r = await confirmCutover(ctx(), { rotationId: id });
    expect(r).toMatchObject({ alreadyConfirmed: false, confirmedBy: 'test-admin' });
    expect(released).toBeGreaterThan(0);
    expect((await look).acquired).toBe(true);
    expect(readFacts((await db.rotation.findUniqueOrThrow({ where: { id } })).facts).cutover?.confirmed?.by).toBe(
      'test-admin',
    );
  });

  it('removes the old key when the deadline passes without a sign-in or a confirmation', async () => {
    const { f, id } = await waitingFixture(1);
    // The one look after the deadline, with the clock 1 h later; then the remaining steps as usual.
    const later = { ...deps, clock: () => new Date(Date.now() + HOUR + 60_000) };
    expect(await advanceRotation(id, later, { maxSteps: 1 })).toMatchObject({
      kind: 'stepped',
      step: 'await_cutover',
      nextStep: 'remove_old',
    });
    const end = await runToEnd(id);
    expect(end.state).toBe('SUCCEEDED');
    expect(readFacts(end.facts).cutover?.ended?.reason).toBe('deadline');
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.newSha1]);
  });

  it('cancel while waiting removes the new key and keeps the old one', async () => {
    const { f, id } = await waitingFixture();
    const c = await cancelRotation(ctx(), id);
    expect(c).toMatchObject({ step: 'cancel_remove_new' });
    const end = await runToEnd(id);
    expect(end.state).toBe('CANCELLED');
    expect(simCredentials(gs, f.sim.tenantId, f.sim.appId).app).toEqual([f.sim.oldSha1]);
    const connector = await db.connector.findUniqueOrThrow({ where: { id: f.connector.id } });
    expect(connector.currentCertificateId).toBe(f.oldCert.id);
  });

  it('a crash while waiting loses nothing: the sweep queues the next look, which finishes with no duplicate key', async () => {
    const { f, id, row } = await waitingFixture();
    // The worker dies: its queued job is lost with it.
    await db.$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1`, id);
    await sweepRotations(new Date());
    const jobs = await db.$queryRawUnsafe<{ start_after: Date }[]>(
      `SELECT start_after FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = $1 AND state = 'created'`,
      id,
    );
    expect(jobs).toHaveLength(1);
    // Queued for the next look, not hot.
    expect(Math.abs(jobs[0]!.start_after.getTime() - row.nextAttemptAt!.getTime())).toBeLessThan(1_000);
    await vendorSignsIn(f, VENDOR_IP);
    const end = await runToEnd(id);
    expect(end.state).toBe('SUCCEEDED');
    const held = simCredentials(gs, f.sim.tenantId, f.sim.appId);
    expect(held.app).toEqual([f.sim.newSha1]);
  });

  it('does not wait unless asked, and a campaign’s rotation of a compromised connector never waits', async () => {
    const f = await rotationFixture(gs);
    const plain = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    expect(readFacts(plain.facts).cutover).toBeUndefined();
    await db.rotation.update({ where: { id: plain.id }, data: { state: 'CANCELLED', finishedAt: new Date() } });
    await db.connector.update({ where: { id: f.connector.id }, data: { status: 'compromised' } });
    const campaign = await db.campaign.create({ data: { name: 'emergency', selection: {} } });
    const emergency = await startRotation(ctx(), {
      connectorId: f.connector.id,
      toCertificateId: f.newCert.id,
      campaignId: campaign.id,
      cutoverWaitHours: 72,
    });
    expect(readFacts(emergency.facts).cutover).toBeUndefined();
    await expect(
      startRotation(ctx(), {
        connectorId: f.connector.id,
        toCertificateId: f.newCert.id,
        mode: 'reestablish',
        cutoverWaitHours: 72,
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('a campaign counts a waiting item apart (running, neither done nor failed) and leaves it out of the ETA', async () => {
    const { f, id } = await waitingFixture();
    const now = new Date();
    const campaign = await db.campaign.create({
      data: {
        name: 'routine',
        state: 'RUNNING',
        selection: { kind: 'list', connectorIds: [] },
        concurrency: 2,
        cutoverWaitHours: 72,
        startedAt: new Date(now.getTime() - 20 * 60_000),
      },
    });
    await db.rotation.update({ where: { id }, data: { campaignId: campaign.id } });
    await db.campaignItem.create({
      data: { campaignId: campaign.id, connectorId: f.connector.id, state: 'RUNNING', rotationId: id },
    });
    // Two items still queued, and three rotations of the campaign finished in the last 15 minutes
    // (0.2 a minute): the ETA is for the two queued items only, 10 minutes.
    const type = await buildConnectorType(db, 'Queued');
    const other = await buildTenant(db, {
      connectors: [
        { status: 'healthy', typeId: type.id },
        { status: 'healthy', typeId: type.id },
      ],
    });
    for (const c of other.connectors)
      await db.campaignItem.create({ data: { campaignId: campaign.id, connectorId: c.id, state: 'QUEUED' } });
    for (let i = 0; i < 3; i++)
      await db.rotation.create({
        data: {
          connectorId: other.connectors[0]!.id,
          campaignId: campaign.id,
          mode: 'rotate',
          state: 'FAILED',
          step: 'preflight',
          toCertificateId: f.newCert.id,
          finishedAt: new Date(now.getTime() - (i + 2) * 60_000),
        },
      });
    const p = await getCampaignProgress(db, campaign.id, { now });
    expect(p.totals).toMatchObject({ RUNNING: 1, QUEUED: 2, awaitingCutover: 1, needsAttention: 0, done: 0 });
    expect(p.throughput.perMinute).toBeCloseTo(0.2);
    expect(p.etaMinutes).toBeCloseTo(10);
    // Once the wait ends and the rotation finishes, it is no longer counted apart.
    await confirmCutover(ctx(), { rotationId: id });
    expect((await runToEnd(id)).state).toBe('SUCCEEDED');
    expect((await getCampaignProgress(db, campaign.id, { now: new Date() })).totals.awaitingCutover).toBe(0);
  });
});
