import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { setRotationDeps } from '@/lib/rotation/rotation-deps';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import type { Actor } from '@/lib/audit/append-audit-event';
import { approveCampaign } from '@/lib/campaigns/approve-campaign';
import { cancelCampaign } from '@/lib/campaigns/cancel-campaign';
import { createCampaign, type CreateCampaignInput } from '@/lib/campaigns/create-campaign';
import { pauseCampaign } from '@/lib/campaigns/pause-campaign';
import { resumeCampaign } from '@/lib/campaigns/resume-campaign';
import { retryFailed } from '@/lib/campaigns/retry-failed';
import { startCampaign } from '@/lib/campaigns/start-campaign';
import { tickCampaign, type TickResult } from '@/lib/campaigns/tick-campaign';
import { sweepCampaigns } from '@/lib/campaigns/campaign-sweep.job';
import { onRotationFinished } from '@/lib/campaigns/on-rotation-finished';
import { OUTCOME_LOCK_NAMESPACE } from '@/lib/campaigns/campaign-outcome-lock';
import { getCampaignProgress } from '@/lib/campaigns/get-campaign-progress';
import {
  finishRotation,
  insertRealCertificate,
  installInertRotationDeps,
  principal,
} from '@/lib/campaigns/testing/campaign-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const actor: Actor = { id: null, label: 'test' };
const admin = principal('admin');
const ctx = createUseCaseContext({ actor, now, principal: admin });
// These tenants exist only in the database, so the final verification read (verify-campaign.db.test.ts
// covers it against the simulator) is left out of the dispatcher's tests.
const deps = { clock: () => now, startRotation, verify: async () => undefined };

let euCert: { id: string; sha1Thumbprint: string };
let usCert: { id: string };
let oldCert: { id: string };
let typeA: { id: string };
let typeB: { id: string };
const t: Record<string, Awaited<ReturnType<typeof buildTenant>>> = {};

beforeAll(async () => {
  installInertRotationDeps(() => now);
  euCert = await insertRealCertificate(db, 'CN=EU 2027, O=Rekey Tests');
  usCert = await insertRealCertificate(db, 'CN=US 2027, O=Rekey Tests');
  oldCert = await buildCertificate(db);
  typeA = await buildConnectorType(db, 'Archive');
  typeB = await buildConnectorType(db, 'Monitor');
  t.alpha = await buildTenant(db, {
    name: 'Alpha',
    region: 'EU',
    group: 'A',
    connectors: [
      { status: 'compromised', typeId: typeA.id },
      { status: 'healthy', typeId: typeB.id },
    ],
  });
  t.bravo = await buildTenant(db, {
    name: 'Bravo',
    region: 'EU',
    group: 'B',
    connectors: [{ status: 'targeted', typeId: typeA.id }],
  });
  t.charlie = await buildTenant(db, {
    name: 'Charlie',
    region: 'US',
    group: 'B',
    connectors: [
      { status: 'compromised', typeId: typeA.id },
      { status: 'expiring', typeId: typeB.id },
    ],
  });
  t.delta = await buildTenant(db, {
    name: 'Delta',
    region: 'US',
    connectors: [{ status: 'healthy', typeId: typeA.id }],
  });
  t.echo = await buildTenant(db, {
    name: 'Echo',
    region: 'APAC',
    connectors: [{ status: 'compromised', typeId: typeA.id }],
  });
  await db.connector.updateMany({ data: { currentCertificateId: oldCert.id } });
});

afterAll(async () => {
  setRotationDeps(undefined);
  await closeJobQueues();
  await closeLeasePool();
});

const ids = (...tenants: string[]) => tenants.flatMap((n) => t[n]!.connectors.map((c) => c.id));
const euUs = { EU: '', US: '' };
function input(over: Partial<CreateCampaignInput> = {}): CreateCampaignInput {
  return {
    name: 'Advisory 2026-12',
    selection: { kind: 'list', connectorIds: ids('alpha', 'bravo', 'charlie', 'delta') },
    regionCertificates: { ...euUs, EU: euCert.id, US: usCert.id },
    concurrency: 2,
    waves: [{ size: 2 }, { size: null }],
    ...over,
  };
}

async function items(campaignId: string) {
  return db.campaignItem.findMany({
    where: { campaignId },
    include: { connector: { include: { tenant: true } }, rotation: true },
    orderBy: [{ wave: 'asc' }, { connectorId: 'asc' }],
  });
}
async function states(campaignId: string) {
  const rows = await db.campaignItem.groupBy({ by: ['state'], where: { campaignId }, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.state, r._count._all]));
}
async function runningRotationIds(campaignId: string) {
  return (
    await db.campaignItem.findMany({ where: { campaignId, state: 'RUNNING' }, select: { rotationId: true } })
  ).map((i) => i.rotationId!);
}
async function cleanup(campaignId: string) {
  // Leave no active rotation behind for the next test.
  await db.rotation.updateMany({
    where: { campaignId, state: { in: ['PENDING', 'RUNNING', 'WAITING', 'NEEDS_ATTENTION'] } },
    data: { state: 'CANCELLED', finishedAt: now },
  });
}

describe('creating a campaign', () => {
  it('refuses a selection whose region has no certificate, naming the region, and writes nothing', async () => {
    const before = await db.auditEvent.count();
    const e = await createCampaign(
      ctx,
      input({ selection: { kind: 'list', connectorIds: ids('alpha', 'echo') } }),
    ).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'BAD_INPUT', details: { missingRegions: ['APAC'] } });
    expect(await db.campaign.count()).toBe(0);
    expect(await db.campaignItem.count()).toBe(0);
    expect(await db.auditEvent.count()).toBe(before);
  });

  it('refuses a certificate that cannot be used (not a parseable certificate)', async () => {
    const e = await createCampaign(ctx, input({ regionCertificates: { EU: oldCert.id, US: usCert.id } })).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'BAD_INPUT' });
    expect((e as Error).message).toMatch(/Region EU/);
  });

  it('plans waves, skips connectors with an active rotation or already on the new certificate, and audits', async () => {
    const busy = t.delta!.connectors[0]!;
    const manual = await db.rotation.create({
      data: { connectorId: busy.id, mode: 'rotate', state: 'RUNNING', step: 'add_new', toCertificateId: usCert.id },
    });
    await db.connector.update({
      where: { id: t.charlie!.connectors[1]!.id },
      data: { currentCertificateId: usCert.id },
    });
    try {
      const { campaign, queued, skipped } = await createCampaign(ctx, input());
      expect({ state: campaign.state, queued, skipped }).toEqual({ state: 'DRAFT', queued: 4, skipped: 2 });
      const rows = await items(campaign.id);
      const byConnector = Object.fromEntries(rows.map((r) => [r.connectorId, r]));
      expect(byConnector[busy.id]).toMatchObject({ state: 'SKIPPED', wave: 1 });
      expect(byConnector[busy.id]!.message).toContain(manual.id);
      expect(byConnector[t.charlie!.connectors[1]!.id]).toMatchObject({
        state: 'SKIPPED',
        message: 'Already on the new certificate.',
      });
      // canary of 2: the worst (region, type) strata first → Bravo (targeted, EU/A), Charlie (compromised, US/A)
      expect(
        rows
          .filter((r) => r.wave === 0)
          .map((r) => r.connector.tenant.displayName)
          .sort(),
      ).toEqual(['Bravo', 'Charlie']);
      expect(await db.campaignRegionCertificate.count({ where: { campaignId: campaign.id } })).toBe(2);
      const audit = await db.auditEvent.findFirst({ where: { action: 'campaign.created', targetId: campaign.id } });
      expect(audit?.after).toMatchObject({
        queued: 4,
        skipped: 2,
        plannedWaves: [2, 2],
        regions: { EU: euCert.sha1Thumbprint },
      });
    } finally {
      await db.rotation.update({ where: { id: manual.id }, data: { state: 'CANCELLED' } });
      await db.connector.update({
        where: { id: t.charlie!.connectors[1]!.id },
        data: { currentCertificateId: oldCert.id },
      });
    }
  });

  it('selects by filter within the creator’s operator scope only', async () => {
    const scoped = principal('operator', { groups: ['B'] });
    const { campaign } = await createCampaign(
      createUseCaseContext({ ...ctx, principal: scoped }),
      input({ selection: { kind: 'filter', filters: { status: 'compromised' } } }),
    );
    expect((await items(campaign.id)).map((i) => i.connector.tenant.displayName)).toEqual(['Charlie']);
    const viewer = principal('viewer');
    await expect(createCampaign(createUseCaseContext({ ...ctx, principal: viewer }), input())).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const outside = await createCampaign(
      createUseCaseContext({
        ...ctx,
        principal: scoped,
      }),
      input({ selection: { kind: 'list', connectorIds: ids('alpha') } }),
    ).catch((x: unknown) => x);
    expect(outside).toMatchObject({ code: 'BAD_INPUT' });
  });

  it('selects every connector on a certificate named in an advisory', async () => {
    const cert = await buildCertificate(db);
    await db.connector.update({ where: { id: t.alpha!.connectors[1]!.id }, data: { currentCertificateId: cert.id } });
    const advisory = await db.advisory.create({
      data: {
        title: 'Vendor key leak',
        severity: 'critical',
        publishedAt: now,
        indicators: { create: [{ kind: 'sha1', value: cert.sha1Thumbprint.toUpperCase() }] },
      },
    });
    try {
      const { campaign, queued } = await createCampaign(
        ctx,
        input({ selection: { kind: 'filter', filters: { advisoryId: advisory.id } } }),
      );
      expect(queued).toBe(1);
      expect((await items(campaign.id))[0]!.connectorId).toBe(t.alpha!.connectors[1]!.id);
    } finally {
      await db.connector.update({
        where: { id: t.alpha!.connectors[1]!.id },
        data: { currentCertificateId: oldCert.id },
      });
    }
  });
});

describe('approval', () => {
  it('puts a fleet-wide campaign up for approval by a second, fleet-wide admin', async () => {
    const { campaign } = await createCampaign(ctx, input(), { approvalThreshold: 5 });
    expect(campaign).toMatchObject({ state: 'AWAITING_APPROVAL', requiresApproval: true, createdById: admin.userId });
    await expect(startCampaign(ctx, campaign.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(approveCampaign(ctx, campaign.id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { reason: 'creator_cannot_approve' },
    });
    await expect(
      approveCampaign(createUseCaseContext({ ...ctx, principal: principal('operator') }), campaign.id),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const second = principal('admin');
    const approved = await approveCampaign(createUseCaseContext({ ...ctx, principal: second }), campaign.id);
    expect(approved).toMatchObject({ state: 'APPROVED', approvedById: second.userId, approvedAt: now });
    await expect(
      approveCampaign(createUseCaseContext({ ...ctx, principal: second }), campaign.id),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await startCampaign(ctx, campaign.id)).toMatchObject({ state: 'RUNNING', startedAt: now });
    expect(
      await db.auditEvent.count({
        where: { targetId: campaign.id, action: { in: ['campaign.approved', 'campaign.started'] } },
      }),
    ).toBe(2);
    await cancelCampaign(ctx, campaign.id);
  });

  it('asks for approval when the creator asks, whatever the size', async () => {
    const { campaign } = await createCampaign(
      ctx,
      input({ requiresApproval: true, selection: { kind: 'list', connectorIds: ids('bravo') } }),
    );
    expect(campaign.state).toBe('AWAITING_APPROVAL');
    await cancelCampaign(ctx, campaign.id);
  });
});

describe('the dispatcher', () => {
  /** A running campaign of 40 connectors (one tenant) with concurrency 32, its first 32 rotations started. */
  async function largeCampaign(name: string) {
    const tenant = await buildTenant(db, {
      name,
      region: 'EU',
      connectors: Array.from({ length: 40 }, () => ({ status: 'compromised' as const, typeId: typeA.id })),
    });
    await db.connector.updateMany({ where: { tenantId: tenant.id }, data: { currentCertificateId: oldCert.id } });
    const { campaign } = await createCampaign(
      ctx,
      input({
        selection: { kind: 'list', connectorIds: tenant.connectors.map((c) => c.id) },
        concurrency: 32,
        waves: [{ size: null }],
      }),
    );
    await startCampaign(ctx, campaign.id);
    expect((await tickCampaign(campaign.id, deps)).started).toBe(32);
    return campaign;
  }

  it('starts a large campaign in groups: a few freed slots wait while enough rotations still step to free a group', async () => {
    const campaign = await largeCampaign('Golf');
    // 8 queued, so a group is 8. Three end while 29 still step: those will free the rest soon.
    const running = await runningRotationIds(campaign.id);
    for (const id of running.slice(0, 3)) await finishRotation(id, 'SUCCEEDED', now);
    expect((await tickCampaign(campaign.id, deps)).started).toBe(0);
    // Five more end: 8 free slots, a group's worth, start together.
    for (const id of running.slice(3, 8)) await finishRotation(id, 'SUCCEEDED', now);
    expect((await tickCampaign(campaign.id, deps)).started).toBe(8);
    expect(await states(campaign.id)).toEqual({ SUCCEEDED: 8, RUNNING: 32 });
    await cleanup(campaign.id);
  });

  it('does not hold freed slots back when the rotations still running wait (a cutover, a person) rather than step', async () => {
    const campaign = await largeCampaign('Hotel');
    const running = await runningRotationIds(campaign.id);
    // The rest wait for a vendor's cutover: nothing will free a group's worth of slots soon.
    await db.rotation.updateMany({ where: { id: { in: running.slice(3) } }, data: { state: 'WAITING' } });
    for (const id of running.slice(0, 3)) await finishRotation(id, 'SUCCEEDED', now);
    expect((await tickCampaign(campaign.id, deps)).started).toBe(3);
    await cleanup(campaign.id);
  });

  it('runs the canary, then the rest, never more than `concurrency` at once, and completes', async () => {
    const { campaign } = await createCampaign(ctx, input());
    await startCampaign(ctx, campaign.id);

    // Two ticks at the same moment (two workers): the canary has 2 items and concurrency is 2.
    const [a, b] = await Promise.all([tickCampaign(campaign.id, deps), tickCampaign(campaign.id, deps)]);
    expect(a.started + b.started).toBe(2);
    let rows = await items(campaign.id);
    expect(
      rows.filter((r) => r.state === 'RUNNING').map((r) => [r.wave, r.rotation?.state, r.rotation?.campaignId]),
    ).toEqual([
      [0, 'PENDING', campaign.id],
      [0, 'PENDING', campaign.id],
    ]);
    const rot = rows.find((r) => r.state === 'RUNNING')!.rotation!;
    expect(rot.toCertificateId).toBe(
      rows.find((r) => r.state === 'RUNNING')!.connector.tenant.region === 'EU' ? euCert.id : usCert.id,
    );

    // One canary done: the wave is not finished, nothing else may start yet.
    const [r1, r2] = await runningRotationIds(campaign.id);
    await finishRotation(r1!, 'SUCCEEDED', now);
    expect((await tickCampaign(campaign.id, deps)).started).toBe(0);
    // The other canary done: the campaign advances to wave 1 and starts 2 (concurrency).
    await finishRotation(r2!, 'SUCCEEDED', now);
    const t3 = await tickCampaign(campaign.id, deps);
    expect(t3).toMatchObject({ started: 2, currentWave: 1 });
    expect(t3.decisions).toEqual(['advance', 'dispatch']);
    expect(await db.auditEvent.count({ where: { targetId: campaign.id, action: 'campaign.wave_started' } })).toBe(1);
    // wave 1 in severity order: compromised Alpha before expiring Charlie / healthy ones
    rows = await items(campaign.id);
    expect(
      rows
        .filter((r) => r.state === 'RUNNING')
        .map((r) => r.connector.status)
        .sort(),
    ).toEqual(['compromised', 'expiring']);

    // A rotation that fails without the hook (engine not wired): the tick reconciles it.
    const [r3, r4] = await runningRotationIds(campaign.id);
    await finishRotation(r3!, 'FAILED', now, { errorMessage: 'Throttled', callHook: false });
    expect((await tickCampaign(campaign.id, deps)).started).toBe(1);
    expect(await states(campaign.id)).toEqual({ SUCCEEDED: 2, FAILED: 1, RUNNING: 2, QUEUED: 1 });

    // A rotation needing attention frees its slot (the last queued item starts)…
    await finishRotation(r4!, 'NEEDS_ATTENTION', now, { errorMessage: 'Consent missing' });
    expect((await tickCampaign(campaign.id, deps)).started).toBe(1);
    // …and holds the last wave open until someone resolves it.
    for (const id of await runningRotationIds(campaign.id)) if (id !== r4) await finishRotation(id, 'SUCCEEDED', now);
    expect((await tickCampaign(campaign.id, deps)).decisions).toEqual(['wait']);
    await finishRotation(r4!, 'SUCCEEDED', now);
    const done = await tickCampaign(campaign.id, deps);
    expect(done.state).toBe('FINISHED');
    expect(await states(campaign.id)).toEqual({ SUCCEEDED: 5, FAILED: 1 });
    expect(await db.campaign.findUnique({ where: { id: campaign.id } })).toMatchObject({
      state: 'FINISHED',
      finishedAt: now,
    });

    // Retry the failed: the campaign runs again and finishes.
    expect((await retryFailed(ctx, { campaignId: campaign.id })).requeued).toBe(1);
    expect((await tickCampaign(campaign.id, deps)).started).toBe(1);
    const [retried] = await runningRotationIds(campaign.id);
    expect(retried).not.toBe(r3);
    await finishRotation(retried!, 'SUCCEEDED', now);
    expect((await tickCampaign(campaign.id, deps)).state).toBe('FINISHED');
    expect(await states(campaign.id)).toEqual({ SUCCEEDED: 6 });
    expect(await db.rotation.count({ where: { campaignId: campaign.id } })).toBe(7);
  });

  it('says "Finished with exceptions" when an item that needed attention was cancelled, and retries it', async () => {
    const { campaign } = await createCampaign(
      ctx,
      input({ selection: { kind: 'list', connectorIds: ids('alpha') }, waves: [{ size: null }], concurrency: 5 }),
    );
    await startCampaign(ctx, campaign.id);
    await tickCampaign(campaign.id, deps);
    const [first, second, ...rest] = await runningRotationIds(campaign.id);
    for (const id of rest) await finishRotation(id, 'SUCCEEDED', now);
    await finishRotation(first!, 'SUCCEEDED', now);
    // One rotation needs attention (consent removed): the campaign waits and its ETA counts nothing.
    await finishRotation(second!, 'NEEDS_ATTENTION', now, { errorMessage: 'Consent missing' });
    let p = await getCampaignProgress(db, campaign.id, { now });
    expect(p.outcome).toMatchObject({ kind: 'running', progressing: 0, retryable: 1 });
    expect(p.outcome.label).toBe('Running — waiting for attention');
    // …then it is cancelled: the campaign finishes, but never says Completed.
    await finishRotation(second!, 'CANCELLED', now);
    expect((await tickCampaign(campaign.id, deps)).state).toBe('FINISHED');
    p = await getCampaignProgress(db, campaign.id, { now });
    const total = p.totals.total;
    expect(p.outcome).toMatchObject({
      kind: 'finished_with_exceptions',
      label: 'Finished with exceptions',
      exceptions: 1,
      retryable: 1,
      total,
    });
    expect(p.outcome.counts).toMatchObject({ succeeded: total - 1, cancelled: 1 });
    expect(Object.values(p.outcome.counts).reduce((a, b) => a + b, 0)).toBe(total);
    // The cancelled item can be retried from the campaign.
    expect(await retryFailed(ctx, { campaignId: campaign.id })).toMatchObject({ requeued: 1 });
    expect((await tickCampaign(campaign.id, deps)).started).toBe(1);
    const [again] = await runningRotationIds(campaign.id);
    await finishRotation(again!, 'SUCCEEDED', now);
    expect((await tickCampaign(campaign.id, deps)).state).toBe('FINISHED');
    expect((await getCampaignProgress(db, campaign.id, { now })).outcome.kind).toBe('completed');
  });

  it('holds the concurrency limit when several workers tick at the same moment', async () => {
    const { campaign } = await createCampaign(ctx, input({ waves: [{ size: null }], concurrency: 2 }));
    await startCampaign(ctx, campaign.id);
    const results = await Promise.all([1, 2, 3, 4].map(() => tickCampaign(campaign.id, deps)));
    expect(results.reduce((a, r) => a + r.started, 0)).toBe(2);
    expect(await states(campaign.id)).toEqual({ RUNNING: 2, QUEUED: 4 });
    expect(await db.rotation.count({ where: { campaignId: campaign.id } })).toBe(2);
    await cancelCampaign(ctx, campaign.id, { cancelRunning: false });
    await cleanup(campaign.id);
  });

  it('keeps at most one waiting tick per campaign, however many rotations finish together', async () => {
    const { campaign } = await createCampaign(ctx, input({ waves: [{ size: null }], concurrency: 6 }));
    await startCampaign(ctx, campaign.id);
    const waiting = () =>
      db.$queryRaw<
        { n: bigint }[]
      >`SELECT count(*) AS n FROM pgboss.job WHERE name = 'campaign.tick' AND singleton_key = ${campaign.id} AND state = 'created'`.then(
        (r) => Number(r[0]!.n),
      );
    expect(await waiting()).toBe(1);
    await tickCampaign(campaign.id, deps);
    const rotations = await db.rotation.findMany({ where: { campaignId: campaign.id } });
    await db.$transaction(async (tx) => {
      for (const r of rotations) await onRotationFinished(tx, { ...r, state: 'SUCCEEDED' }, now);
    });
    expect(await sweepCampaigns()).toBeGreaterThanOrEqual(1);
    expect(await waiting()).toBe(1);
    await cancelCampaign(ctx, campaign.id, { cancelRunning: false });
    await cleanup(campaign.id);
  });

  it('a tick counts the rotation ends still committing, so the last end is not missed, and verifies before it says finished', async () => {
    const { campaign } = await createCampaign(ctx, input({ waves: [{ size: null }], concurrency: 6 }));
    await startCampaign(ctx, campaign.id);
    await tickCampaign(campaign.id, deps);
    const rotations = await db.rotation.findMany({ where: { campaignId: campaign.id } });
    expect(rotations.length).toBeGreaterThan(1);
    for (const r of rotations.slice(0, -1)) await finishRotation(r.id, 'SUCCEEDED', now);
    const last = rotations.at(-1)!;
    const verified: string[] = [];
    const verifying = { ...deps, verify: async (id: string) => void verified.push(id) };
    const waitingOnTheLock = () =>
      db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = ${OUTCOME_LOCK_NAMESPACE}`.then(
        (r) => r[0]!.n,
      );
    let tick: Promise<TickResult> | undefined;
    // The last rotation's end: its outcome is written and its tick dropped (one already waits) …
    await db.$transaction(
      async (tx) => {
        await tx.rotation.update({
          where: { id: last.id },
          data: { state: 'SUCCEEDED', step: 'done', finishedAt: now },
        });
        await onRotationFinished(tx, { ...last, state: 'SUCCEEDED' }, now);
        // … and before it commits, a worker runs the waiting tick: it waits for this end to commit.
        tick = tickCampaign(campaign.id, verifying);
        await expect.poll(waitingOnTheLock, { timeout: 5_000 }).toBe(1);
      },
      { timeout: 10_000 },
    );
    // It counted the end, and ran the final verification read before finishing the campaign.
    expect(await tick).toMatchObject({ state: 'FINISHED' });
    expect(verified).toEqual([campaign.id]);
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).state).toBe('FINISHED');
    await cleanup(campaign.id);
  });

  it('runs the final verification read once when two ticks come together; the other leaves the campaign to it', async () => {
    const { campaign } = await createCampaign(ctx, input({ waves: [{ size: null }], concurrency: 6 }));
    await startCampaign(ctx, campaign.id);
    await tickCampaign(campaign.id, deps);
    for (const r of await db.rotation.findMany({ where: { campaignId: campaign.id } }))
      await finishRotation(r.id, 'SUCCEEDED', now);
    // The read lasts until one tick has returned (or a second read began, which is the failure).
    let reads = 0;
    let release!: () => void;
    const readMayEnd = new Promise<void>((r) => (release = r));
    const slowRead = {
      ...deps,
      verify: async () => {
        if (++reads === 2) release();
        await readMayEnd;
      },
    };
    const both = [tickCampaign(campaign.id, slowRead), tickCampaign(campaign.id, slowRead)];
    void Promise.race(both).then(release, release);
    const ticks = await Promise.all(both);
    expect(reads).toBe(1);
    expect(ticks.map((t) => t.state).sort()).toEqual(['FINISHED', 'RUNNING']);
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).state).toBe('FINISHED');
    await cleanup(campaign.id);
  });

  it('queues the verification read of succeeded items while others still rotate, once enough wait for it', async () => {
    const { campaign } = await createCampaign(ctx, input({ waves: [{ size: null }], concurrency: 6 }));
    await startCampaign(ctx, campaign.id);
    await tickCampaign(campaign.id, deps);
    const rotations = await db.rotation.findMany({ where: { campaignId: campaign.id } });
    expect(rotations.length).toBeGreaterThan(3);
    const verifyJobs = () =>
      db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'campaign.verify' AND singleton_key = ${campaign.id} AND state = 'created'`.then(
        (r) => r[0]!.n,
      );
    for (const r of rotations.slice(0, 2)) await finishRotation(r.id, 'SUCCEEDED', now);
    // Two succeeded items wait: under a threshold of 3 nothing is queued, at 2 the read is.
    await tickCampaign(campaign.id, { ...deps, rollingVerifyMin: 3 });
    expect(await verifyJobs()).toBe(0);
    await tickCampaign(campaign.id, { ...deps, rollingVerifyMin: 2 });
    expect(await verifyJobs()).toBe(1);
    // One waits per campaign, however many ticks ask.
    await tickCampaign(campaign.id, { ...deps, rollingVerifyMin: 2 });
    expect(await verifyJobs()).toBe(1);
    // Items the read has verified do not count.
    await db.campaignItem.updateMany({
      where: { campaignId: campaign.id, state: 'SUCCEEDED' },
      data: {
        message: 'Verified in the tenant at 2026-12-01T12:00:00.000Z: the new credential is there, the old one gone.',
      },
    });
    await db.$executeRaw`DELETE FROM pgboss.job WHERE name = 'campaign.verify' AND singleton_key = ${campaign.id}`;
    await tickCampaign(campaign.id, { ...deps, rollingVerifyMin: 2 });
    expect(await verifyJobs()).toBe(0);
    await cancelCampaign(ctx, campaign.id, { cancelRunning: false });
    await cleanup(campaign.id);
  });

  it('pauses at the canary gate when a canary fails; resume goes on, recording the override', async () => {
    const { campaign } = await createCampaign(ctx, input());
    await startCampaign(ctx, campaign.id);
    await tickCampaign(campaign.id, deps);
    const [r1, r2] = await runningRotationIds(campaign.id);
    await finishRotation(r1!, 'FAILED', now, { errorMessage: 'Permission missing' });
    await finishRotation(r2!, 'SUCCEEDED', now);
    const paused = await tickCampaign(campaign.id, deps);
    expect(paused).toMatchObject({ state: 'PAUSED', started: 0, currentWave: 0 });
    expect(
      await db.auditEvent.findFirst({ where: { targetId: campaign.id, action: 'campaign.paused' } }),
    ).toMatchObject({ after: { reason: 'gate', failures: 1, maxFailures: 0 } });
    // A tick while paused does nothing.
    expect((await tickCampaign(campaign.id, deps)).decisions).toEqual([]);

    // Retry the failed canary, then resume: the canary runs again (no override).
    await retryFailed(ctx, { campaignId: campaign.id });
    expect(await resumeCampaign(ctx, campaign.id)).toMatchObject({ state: 'RUNNING', currentWave: 0 });
    expect((await tickCampaign(campaign.id, deps)).started).toBe(1);
    const [again] = await runningRotationIds(campaign.id);
    await finishRotation(again!, 'FAILED', now, { errorMessage: 'Permission missing' });
    expect((await tickCampaign(campaign.id, deps)).state).toBe('PAUSED');

    // Resume without retrying: go on to wave 1 despite the failure.
    expect(await resumeCampaign(ctx, campaign.id)).toMatchObject({ state: 'RUNNING', currentWave: 1 });
    expect(
      await db.auditEvent.findFirst({
        where: { targetId: campaign.id, action: 'campaign.resumed' },
        orderBy: { seq: 'desc' },
      }),
    ).toMatchObject({ after: { gateOverridden: { wave: 0, failed: 1 } } });
    expect((await tickCampaign(campaign.id, deps)).started).toBe(2);
    await cancelCampaign(ctx, campaign.id, { cancelRunning: false });
    await cleanup(campaign.id);
  });

  it('marks an item SKIPPED when its connector got another active rotation after creation', async () => {
    const { campaign } = await createCampaign(
      ctx,
      input({ waves: [{ size: null }], concurrency: 10, selection: { kind: 'list', connectorIds: ids('alpha') } }),
    );
    await startCampaign(ctx, campaign.id);
    const manual = await startRotation(createUseCaseContext({ actor, now }), {
      connectorId: t.alpha!.connectors[0]!.id,
      toCertificateId: euCert.id,
    });
    const r = await tickCampaign(campaign.id, deps);
    expect(r).toMatchObject({ started: 1, skipped: 1 });
    const skipped = (await items(campaign.id)).find((i) => i.state === 'SKIPPED')!;
    expect(skipped.connectorId).toBe(t.alpha!.connectors[0]!.id);
    expect(skipped.message).toMatch(/already has an active rotation/);
    await db.rotation.update({ where: { id: manual.id }, data: { state: 'CANCELLED' } });
    await cancelCampaign(ctx, campaign.id, { cancelRunning: false });
    await cleanup(campaign.id);
  });

  it('starts nothing while paused and picks up after resume', async () => {
    const { campaign } = await createCampaign(ctx, input({ waves: [{ size: null }], concurrency: 1 }));
    await startCampaign(ctx, campaign.id);
    await tickCampaign(campaign.id, deps);
    await pauseCampaign(ctx, campaign.id);
    const [r1] = await runningRotationIds(campaign.id);
    await finishRotation(r1!, 'SUCCEEDED', now);
    expect((await tickCampaign(campaign.id, deps)).started).toBe(0);
    expect(await states(campaign.id)).toEqual({ SUCCEEDED: 1, QUEUED: 5 });
    await resumeCampaign(ctx, campaign.id);
    expect((await tickCampaign(campaign.id, deps)).started).toBe(1);
    await cancelCampaign(ctx, campaign.id, { cancelRunning: false });
    await cleanup(campaign.id);
  });

  it('cancel: queued items are cancelled, a running rotation the engine may stop is cancelled', async () => {
    const { campaign } = await createCampaign(ctx, input({ waves: [{ size: null }], concurrency: 2 }));
    await startCampaign(ctx, campaign.id);
    await tickCampaign(campaign.id, deps);
    const res = await cancelCampaign(ctx, campaign.id);
    expect(res).toMatchObject({ itemsCancelled: 4, rotationsLeftRunning: 2 });
    expect(res.rotationsCancelled + res.rotationsRefused).toBe(2);
    expect(await db.campaign.findUnique({ where: { id: campaign.id } })).toMatchObject({
      state: 'CANCELLED',
      finishedAt: now,
    });
    expect((await tickCampaign(campaign.id, deps)).decisions).toEqual([]);
    await expect(startCampaign(ctx, campaign.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await cleanup(campaign.id);
  });

  it('records an outcome that arrives before the dispatcher linked the rotation to its item', async () => {
    const { campaign } = await createCampaign(
      ctx,
      input({ waves: [{ size: null }], selection: { kind: 'list', connectorIds: ids('bravo') } }),
    );
    const item = (await items(campaign.id))[0]!;
    // As if a tick had claimed the item and the rotation finished before the link was written.
    await db.campaignItem.update({ where: { id: item.id }, data: { state: 'RUNNING' } });
    const rotation = await db.rotation.create({
      data: {
        connectorId: item.connectorId,
        campaignId: campaign.id,
        mode: 'rotate',
        state: 'PENDING',
        step: 'preflight',
        toCertificateId: euCert.id,
      },
    });
    await finishRotation(rotation.id, 'FAILED', now, { errorMessage: 'Not consented' });
    expect(await db.campaignItem.findUnique({ where: { id: item.id } })).toMatchObject({
      state: 'FAILED',
      rotationId: rotation.id,
      message: 'Not consented',
    });
    await cancelCampaign(ctx, campaign.id, { cancelRunning: false });
  });

  it('notifies (through the outbox) when the canary gate pauses a campaign and when one finishes', async () => {
    await db.setting.upsert({
      where: { key: 'notifications' },
      update: { value: { webhook: { enabled: true } } },
      create: { key: 'notifications', value: { webhook: { enabled: true } } },
    });
    try {
      const { campaign } = await createCampaign(
        ctx,
        input({
          waves: [{ size: 1 }, { size: null }],
          selection: { kind: 'list', connectorIds: ids('bravo', 'delta') },
        }),
      );
      await startCampaign(ctx, campaign.id);
      await tickCampaign(campaign.id, deps);
      await finishRotation((await runningRotationIds(campaign.id))[0]!, 'FAILED', now);
      expect((await tickCampaign(campaign.id, deps)).state).toBe('PAUSED');
      await resumeCampaign(ctx, campaign.id);
      await tickCampaign(campaign.id, deps);
      await finishRotation((await runningRotationIds(campaign.id))[0]!, 'SUCCEEDED', now);
      expect((await tickCampaign(campaign.id, deps)).state).toBe('FINISHED');
      const jobs = await db.$queryRaw<
        { data: { event: { kind: string; campaignId: string; totals?: object } } }[]
      >`SELECT data FROM pgboss.job WHERE name = 'notification.send' ORDER BY created_on`;
      const mine = jobs.map((j) => j.data.event).filter((e) => e.campaignId === campaign.id);
      expect(mine.map((e) => e.kind)).toEqual(['campaign.paused', 'campaign.finished']);
      expect(mine[1]!.totals).toMatchObject({ SUCCEEDED: 1, FAILED: 1 });
    } finally {
      await db.setting.delete({ where: { key: 'notifications' } });
    }
  });
});
