import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { exportCampaignResults, exportCampaignResultsFor } from '@/lib/campaigns/export-campaign-results';
import {
  getCampaignProgress,
  getCampaignProgressFor,
  listCampaignItems,
  listCampaignItemsFor,
} from '@/lib/campaigns/get-campaign-progress';
import { listCampaignsFor } from '@/lib/campaigns/list-campaigns';
import { principal } from '@/lib/campaigns/testing/campaign-fixture';
import type { Principal } from '@/lib/auth/principal';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const min = (m: number) => new Date(now.getTime() + m * 60_000);
let campaignId: string;
let bravoTenantId: string;

/*
 * The seeded campaign (waves [2, rest], current wave 1, started 60 min ago, deadline in 30 min):
 *   wave 0: Alpha#1 EU SUCCEEDED (finished −20 min), Charlie#1 US SUCCEEDED (−4 min)
 *   wave 1: Alpha#2 EU SUCCEEDED (−10 min), Bravo#1 EU FAILED (−3 min), Bravo#2 EU RUNNING (rotation NEEDS_ATTENTION),
 *           Charlie#2 US RUNNING, Delta#1 US QUEUED, Delta#2 US QUEUED, Delta#3 US SKIPPED
 */
beforeAll(async () => {
  const type = await buildConnectorType(db, 'Archive');
  const cert = await buildCertificate(db);
  const eu = await buildCertificate(db);
  const us = await buildCertificate(db);
  const alpha = await buildTenant(db, {
    name: 'Alpha',
    region: 'EU',
    connectors: [
      { status: 'compromised', typeId: type.id },
      { status: 'compromised', typeId: type.id },
    ],
  });
  const bravo = await buildTenant(db, {
    name: 'Bravo',
    region: 'EU',
    group: 'B',
    connectors: [
      { status: 'compromised', typeId: type.id },
      { status: 'compromised', typeId: type.id },
    ],
  });
  const charlie = await buildTenant(db, {
    name: 'Charlie',
    region: 'US',
    connectors: [
      { status: 'compromised', typeId: type.id },
      { status: 'compromised', typeId: type.id },
    ],
  });
  const delta = await buildTenant(db, {
    name: 'Delta',
    region: 'US',
    connectors: [
      { status: 'compromised', typeId: type.id },
      { status: 'compromised', typeId: type.id },
      { status: 'healthy', typeId: type.id, name: '=HYPERLINK("http://evil")' },
    ],
  });
  bravoTenantId = bravo.id;
  const campaign = await db.campaign.create({
    data: {
      name: 'Leak',
      state: 'RUNNING',
      selection: { kind: 'list', connectorIds: [] },
      concurrency: 3,
      waves: [{ size: 2 }, { size: null }],
      currentWave: 1,
      startedAt: min(-60),
      deadline: min(30),
      createdAt: min(-70),
    },
  });
  campaignId = campaign.id;
  await db.campaignRegionCertificate.createMany({
    data: [
      { campaignId, region: 'EU', certificateId: eu.id },
      { campaignId, region: 'US', certificateId: us.id },
    ],
  });
  const item = async (
    connectorId: string,
    wave: number,
    state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED',
    rot?: { state: 'SUCCEEDED' | 'FAILED' | 'RUNNING' | 'NEEDS_ATTENTION'; finished?: number },
  ) => {
    const rotation = rot
      ? await db.rotation.create({
          data: {
            connectorId,
            campaignId,
            mode: 'rotate',
            state: rot.state,
            step: 'done',
            toCertificateId: cert.id,
            fromCertificateId: cert.id,
            startedAt: min(-30),
            finishedAt: rot.finished === undefined ? null : min(rot.finished),
          },
        })
      : null;
    await db.campaignItem.create({
      data: {
        campaignId,
        connectorId,
        wave,
        state,
        rotationId: rotation?.id ?? null,
        message: state === 'SKIPPED' ? 'Already on the new certificate.' : null,
      },
    });
  };
  await item(alpha.connectors[0]!.id, 0, 'SUCCEEDED', { state: 'SUCCEEDED', finished: -20 });
  await item(charlie.connectors[0]!.id, 0, 'SUCCEEDED', { state: 'SUCCEEDED', finished: -4 });
  await item(alpha.connectors[1]!.id, 1, 'SUCCEEDED', { state: 'SUCCEEDED', finished: -10 });
  await item(bravo.connectors[0]!.id, 1, 'FAILED', { state: 'FAILED', finished: -3 });
  await item(bravo.connectors[1]!.id, 1, 'RUNNING', { state: 'NEEDS_ATTENTION' });
  await item(charlie.connectors[1]!.id, 1, 'RUNNING', { state: 'RUNNING' });
  const [d1, d2] = delta.connectors.filter((c) => c.displayName.startsWith('Connector'));
  await item(d1!.id, 1, 'QUEUED');
  await item(d2!.id, 1, 'QUEUED');
  await item(delta.connectors.find((c) => c.displayName.startsWith('='))!.id, 1, 'SKIPPED');
});

const zero = { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0, awaitingCutover: 0 };

describe('campaign progress', () => {
  it('totals items by state, with those needing attention and the share done', async () => {
    const p = await getCampaignProgress(db, campaignId, { now });
    expect(p.totals).toEqual({
      ...zero,
      SUCCEEDED: 3,
      FAILED: 1,
      RUNNING: 2,
      QUEUED: 2,
      SKIPPED: 1,
      total: 9,
      needsAttention: 1,
      done: 5,
      doneShare: 5 / 9,
    });
  });

  it('counts the succeeded items the verification read confirmed in the tenant', async () => {
    expect((await getCampaignProgress(db, campaignId, { now })).verifiedInTenant).toBe(0);
    const [first] = await db.campaignItem.findMany({ where: { campaignId, state: 'SUCCEEDED' }, take: 1 });
    await db.campaignItem.update({
      where: { id: first!.id },
      data: {
        message: 'Verified in the tenant at 2026-12-01T12:00:00.000Z: the new credential is there, the old one gone.',
      },
    });
    try {
      // One of the three succeeded; a FAILED "Not done: …" or an unverified skip never counts.
      expect((await getCampaignProgress(db, campaignId, { now })).verifiedInTenant).toBe(1);
    } finally {
      await db.campaignItem.update({ where: { id: first!.id }, data: { message: null } });
    }
  });

  it('breaks progress down per wave and per region', async () => {
    const p = await getCampaignProgress(db, campaignId, { now });
    expect(p.byWave).toEqual([
      { wave: 0, current: false, ...zero, SUCCEEDED: 2, total: 2, needsAttention: 0, done: 2, doneShare: 1 },
      {
        wave: 1,
        current: true,
        ...zero,
        SUCCEEDED: 1,
        FAILED: 1,
        RUNNING: 2,
        QUEUED: 2,
        SKIPPED: 1,
        total: 7,
        needsAttention: 1,
        done: 3,
        doneShare: 3 / 7,
      },
    ]);
    expect(p.byRegion.map(({ certificateId: _c, sha1Thumbprint: _s, ...r }) => r)).toEqual([
      {
        region: 'EU',
        ...zero,
        SUCCEEDED: 2,
        FAILED: 1,
        RUNNING: 1,
        total: 4,
        needsAttention: 1,
        done: 3,
        doneShare: 0.75,
      },
      {
        region: 'US',
        ...zero,
        SUCCEEDED: 1,
        RUNNING: 1,
        QUEUED: 2,
        SKIPPED: 1,
        total: 5,
        needsAttention: 0,
        done: 2,
        doneShare: 0.4,
      },
    ]);
    expect(p.byRegion.every((r) => r.sha1Thumbprint !== null)).toBe(true);
  });

  it('computes throughput, ETA, elapsed time and deadline risk', async () => {
    const p = await getCampaignProgress(db, campaignId, { now });
    // finished in the last 5 min: −3, −4; in the last 15: also −10 → 3 per 15 min = 0.2/min; 4 left, one of
    // them waiting for a person (needs attention), so 3 can progress → 15 min
    expect(p.throughput).toEqual({ last5m: 2, last15m: 3, perMinute: 0.2 });
    expect(p.totals.needsAttention).toBe(1);
    expect(p.etaMinutes).toBe(15);
    expect(p.etaAt).toEqual(min(15));
    expect(p.outcome).toMatchObject({ kind: 'running', progressing: 3, retryable: 2 }); // 1 failed + 1 needs attention
    expect(p.elapsedMs).toBe(60 * 60_000);
    expect(p.deadlineRisk).toBe('on_track');
    // ten minutes later nothing more finished: −3 and −4 fall out of the 5-min window, −10 out of the 15-min one
    const later = await getCampaignProgress(db, campaignId, { now: min(10) });
    expect(later.throughput).toEqual({ last5m: 0, last15m: 2, perMinute: 2 / 15 });
    expect(later.deadlineRisk).toBe('at_risk');
  });

  it('hides a campaign reaching outside the viewer’s scope', async () => {
    await expect(
      getCampaignProgress(db, campaignId, { now, principal: principal('viewer', { tenantIds: [bravoTenantId] }) }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getCampaignProgress(db, campaignId, { now, principal: principal('viewer') })).resolves.toBeTruthy();
  });
});

describe('per-tenant items', () => {
  it('filters and paginates', async () => {
    const attention = await listCampaignItems(db, campaignId, { needsAttention: true });
    expect(attention.rows.map((r) => [r.connector.tenant.displayName, r.rotation?.state])).toEqual([
      ['Bravo', 'NEEDS_ATTENTION'],
    ]);
    const us = await listCampaignItems(db, campaignId, { region: 'US', pageSize: 2, page: 2 });
    expect(us.total).toBe(5);
    expect(us.rows.map((r) => r.connector.tenant.displayName)).toEqual(['Delta', 'Delta']);
    expect((await listCampaignItems(db, campaignId, { state: 'QUEUED' })).total).toBe(2);
    expect((await listCampaignItems(db, campaignId, { q: 'charl' })).total).toBe(2);
  });
});

describe('results export', () => {
  it('streams a header and one escaped line per item, page after page', async () => {
    const lines: string[] = [];
    for await (const l of exportCampaignResults(db, campaignId, { pageSize: 4 })) lines.push(l);
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(
      'tenant,entra_tenant_id,region,connector,app_id,wave,item_state,message,rotation_id,rotation_state,from_sha1,to_sha1,started_at,finished_at\r\n',
    );
    const evil = lines.find((l) => l.includes('HYPERLINK'))!;
    expect(evil).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(evil).toContain(',SKIPPED,Already on the new certificate.,,,,,,\r\n');
    expect(lines.filter((l) => l.includes(',SUCCEEDED,'))).toHaveLength(3);
  });
});

describe('the (ctx, input) entry points scope to the caller', () => {
  const ctxOf = (p?: Principal) =>
    createUseCaseContext({ actor: { id: null, label: 'test' }, now, ...(p ? { principal: p } : {}) });
  const drain = async (lines: AsyncGenerator<string>) => {
    const out: string[] = [];
    for await (const l of lines) out.push(l);
    return out;
  };

  it('a scoped operator of Bravo sees neither the campaign (it reaches other tenants) nor its items or results', async () => {
    const bravoOperator = ctxOf(principal('operator', { tenantIds: [bravoTenantId] }));
    await expect(getCampaignProgressFor(bravoOperator, { campaignId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listCampaignItemsFor(bravoOperator, { campaignId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(drain(exportCampaignResultsFor(bravoOperator, { campaignId }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const listed = await listCampaignsFor(bravoOperator, { pageSize: 100 });
    expect(listed.rows.map((c) => c.id)).not.toContain(campaignId);
  });

  it('a signed-in user without a role is refused; a fleet-wide viewer and the trusted caller see what the (db) reads see', async () => {
    const noRole = ctxOf({ userId: 'u', email: 'u@example.test', name: 'u', roles: [] });
    await expect(listCampaignsFor(noRole, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(listCampaignItemsFor(noRole, { campaignId })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const viewer = ctxOf(principal('viewer'));
    expect((await listCampaignsFor(viewer, { pageSize: 100 })).rows.map((c) => c.id)).toContain(campaignId);
    expect(await getCampaignProgressFor(viewer, { campaignId })).toEqual(
      await getCampaignProgress(db, campaignId, { now }),
    );
    const items = await listCampaignItemsFor(ctxOf(), { campaignId, region: 'US', pageSize: 2, page: 2 });
    expect(items.total).toBe(5);
    expect(items.rows.map((r) => r.connector.tenant.displayName)).toEqual(['Delta', 'Delta']);
    expect(await drain(exportCampaignResultsFor(viewer, { campaignId }))).toHaveLength(10);
  });
});
