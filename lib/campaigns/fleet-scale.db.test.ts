/**
 * A campaign over a 3,600-connector fleet (the size the issue names): correctness at scale, not
 * speed (speed belongs to bench/). One transaction writes every item; the canary spans every
 * region × type; the dispatcher starts exactly the canary; progress adds up.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { setRotationDeps } from '@/lib/rotation/rotation-deps';
import { startRotation } from '@/lib/rotation/start-rotation';
import { buildConnectorType } from '@/lib/testing/fleet-builders';
import { createCampaign } from '@/lib/campaigns/create-campaign';
import { getCampaignProgress } from '@/lib/campaigns/get-campaign-progress';
import { startCampaign } from '@/lib/campaigns/start-campaign';
import { tickCampaign } from '@/lib/campaigns/tick-campaign';
import { insertRealCertificate, installInertRotationDeps } from '@/lib/campaigns/testing/campaign-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const REGIONS = ['EU', 'US', 'APAC'];
const certs: Record<string, string> = {};

beforeAll(async () => {
  installInertRotationDeps(() => now);
  const types = [await buildConnectorType(db, 'Archive'), await buildConnectorType(db, 'Monitor')];
  for (const r of REGIONS) certs[r] = (await insertRealCertificate(db, `CN=${r} 2027, O=Rekey Tests`)).id;
  // 120 tenants × 30 connectors = 3,600
  const tenants = Array.from({ length: 120 }, (_, i) => ({
    id: randomUUID(),
    entraTenantId: randomUUID(),
    displayName: `Tenant ${String(i).padStart(3, '0')}`,
    region: REGIONS[i % 3]!,
  }));
  await db.tenant.createMany({ data: tenants });
  await db.connector.createMany({
    data: tenants.flatMap((t, ti) =>
      Array.from({ length: 30 }, (_, ci) => ({
        tenantId: t.id,
        connectorTypeId: types[ci % 2]!.id,
        displayName: `C${ci}`,
        appId: randomUUID(),
        appObjectId: randomUUID(),
        status: (ti + ci) % 3 === 0 ? ('compromised' as const) : ('healthy' as const),
      })),
    ),
  });
});
afterAll(async () => {
  setRotationDeps(undefined);
  await closeJobQueues();
});

describe('a fleet-wide campaign', () => {
  it('plans, starts the canary and reports progress for 3,600 connectors', async () => {
    const { campaign, queued } = await createCampaign(
      createUseCaseContext({ actor: { id: null, label: 'test' }, now }),
      {
        name: 'Fleet',
        selection: { kind: 'filter', filters: {} },
        regionCertificates: certs,
        concurrency: 50,
        waves: [{ size: 12 }, { percent: 10 }, { size: null }],
      },
    );
    expect(queued).toBe(3600);
    expect(campaign.state).toBe('AWAITING_APPROVAL'); // over the fleet-wide threshold
    const canary = await db.campaignItem.findMany({
      where: { campaignId: campaign.id, wave: 0 },
      select: { connector: { select: { connectorTypeId: true, status: true, tenant: { select: { region: true } } } } },
    });
    expect(canary).toHaveLength(12);
    // 3 regions × 2 types = 6 strata, two picks each; the worst (compromised) first in each
    const strata = new Map<string, number>();
    for (const c of canary)
      strata.set(
        `${c.connector.tenant.region}/${c.connector.connectorTypeId}`,
        (strata.get(`${c.connector.tenant.region}/${c.connector.connectorTypeId}`) ?? 0) + 1,
      );
    expect([...strata.values()]).toEqual([2, 2, 2, 2, 2, 2]);
    expect(canary.every((c) => c.connector.status === 'compromised')).toBe(true);
    expect(await db.campaignItem.count({ where: { campaignId: campaign.id, wave: 1 } })).toBe(360);

    await db.campaign.update({ where: { id: campaign.id }, data: { state: 'DRAFT', approvedAt: now } });
    await startCampaign(createUseCaseContext({ actor: { id: null, label: 'test' }, now }), campaign.id);
    const t = await tickCampaign(campaign.id, { clock: () => now, startRotation });
    expect(t).toMatchObject({ started: 12, currentWave: 0 });
    const p = await getCampaignProgress(db, campaign.id, { now });
    expect(p.totals).toMatchObject({ total: 3600, RUNNING: 12, QUEUED: 3588 });
    expect(p.byWave.map((w) => w.total)).toEqual([12, 360, 3228]);
    expect(p.byRegion.map((r) => [r.region, r.total])).toEqual([
      ['APAC', 1200],
      ['EU', 1200],
      ['US', 1200],
    ]);
  });
});
