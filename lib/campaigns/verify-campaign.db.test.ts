/**
 * A campaign says done for a tenant only after a final verification read of it (new key present,
 * old absent); "already on the new certificate" skips count as success only with that read.
 * Against the in-process simulator: the tenant is what decides, not the rotation's own record.
 */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { getCampaignProgress } from '@/lib/campaigns/get-campaign-progress';
import { ALREADY_ON_TARGET, verifyCampaignOnTargets } from '@/lib/campaigns/verify-campaign';
import { verifyRunningCampaign } from '@/lib/campaigns/campaign-verify.job';
import { tryWithCampaignVerifyLock } from '@/lib/campaigns/campaign-dispatch-lock';
import { sha1Of as sha1, withSimFleet } from '@/lib/testing/fleet-builders';

const fleet = withSimFleet(440);

/**
 * Tenants onboarded into the simulator (region "global") with the given certificates on their
 * connector app, and a RUNNING campaign to `newC` over them; `rotated` records a succeeded rotation
 * from `oldC` as the engine would, returning the item fields that point at it.
 */
async function campaignOver(
  name: string,
  oldC: { der: Buffer },
  newC: { der: Buffer },
  specs: { name: string; certs: string[] }[],
) {
  const connectorIds: string[] = [];
  for (const s of specs) {
    const { tenantId } = await fleet.onboard(s.name, [{ displayName: 'Continuity Monitor', certificates: s.certs }]);
    const c = await db.connector.findFirstOrThrow({ where: { tenantId } });
    await db.tenant.update({ where: { id: tenantId }, data: { region: 'global' } });
    connectorIds.push(c.id);
  }
  const [oldRow, newRow] = await Promise.all([
    db.certificate.findUniqueOrThrow({ where: { sha1Thumbprint: sha1(oldC.der) } }),
    db.certificate.findUniqueOrThrow({ where: { sha1Thumbprint: sha1(newC.der) } }),
  ]);
  const campaign = await db.campaign.create({
    data: {
      name,
      state: 'RUNNING',
      selection: {},
      regions: { create: [{ region: 'global', certificateId: newRow.id }] },
    },
  });
  const rotated = async (connectorId: string, finishedAt = new Date()) => {
    const r = await db.rotation.create({
      data: {
        connectorId,
        campaignId: campaign.id,
        mode: 'rotate',
        state: 'SUCCEEDED',
        step: 'done',
        fromCertificateId: oldRow.id,
        toCertificateId: newRow.id,
        finishedAt,
      },
    });
    return { state: 'SUCCEEDED' as const, rotationId: r.id, updatedAt: finishedAt };
  };
  return { connectorIds, campaign, rotated };
}

describe('the final verification read', () => {
  it('fails an item whose tenant still holds the old key, verifies the others, and only then says Completed', async () => {
    const { gs } = fleet;
    const oldC = fleet.cert('old');
    const newC = fleet.cert('new');
    // Three tenants: rotated cleanly; "rotated" but the old key is still there; already on the target.
    const specs = [
      { name: 'Clean Ltd', certs: [newC.pem] },
      { name: 'Leftover Ltd', certs: [oldC.pem, newC.pem] },
      { name: 'OnTarget Ltd', certs: [newC.pem] },
    ];
    const { connectorIds, campaign, rotated } = await campaignOver('Verify', oldC, newC, specs);
    for (const [i, connectorId] of connectorIds.entries()) {
      await db.campaignItem.create({
        data:
          i === 2
            ? { campaignId: campaign.id, connectorId, state: 'SKIPPED', message: ALREADY_ON_TARGET }
            : { campaignId: campaign.id, connectorId, ...(await rotated(connectorId)) },
      });
    }
    // Before the read, the rotations' own record would say every item succeeded.
    const r = await verifyCampaignOnTargets(campaign.id, { now: new Date(), gateway: gs.graph.gateway });
    expect(r).toEqual({ verified: 2, failed: 1, read: 3 });
    const items = await db.campaignItem.findMany({
      where: { campaignId: campaign.id },
      include: { connector: { include: { tenant: true } } },
      orderBy: { connector: { tenant: { displayName: 'asc' } } },
    });
    expect(items.map((i) => [i.connector.tenant.displayName, i.state])).toEqual([
      ['Clean Ltd', 'SUCCEEDED'],
      ['Leftover Ltd', 'FAILED'],
      ['OnTarget Ltd', 'SKIPPED'],
    ]);
    expect(items[0]!.message).toMatch(/^Verified in the tenant at /);
    expect(items[1]!.message).toBe(
      `Not done: the final verification found the old credential ${sha1(oldC.der)} still in the app.`,
    );
    expect(items[2]!.message).toMatch(/^Verified on the target at /);

    await db.campaign.update({ where: { id: campaign.id }, data: { state: 'FINISHED' } });
    const p = await getCampaignProgress(db, campaign.id, { now: new Date() });
    expect(p.outcome).toMatchObject({
      kind: 'finished_with_exceptions',
      counts: { succeeded: 1, onTarget: 1, failed: 1 },
    });

    // The old key removed in the tenant and the item verified again: now, and only now, Completed.
    const leftover = gs.sim.admin
      .getTenant(items[1]!.connector.tenant.entraTenantId)
      .appsByAppId.get(items[1]!.connector.appId)!;
    const oldKey = leftover.keyCredentials.find((k) => k.key && sha1(Buffer.from(k.key)) === sha1(oldC.der))!;
    gs.sim.admin.removeKeyCredentialDirect(
      items[1]!.connector.tenant.entraTenantId,
      items[1]!.connector.appId,
      oldKey.keyId,
    );
    await db.campaignItem.update({ where: { id: items[1]!.id }, data: { state: 'SUCCEEDED', message: null } });
    expect(await verifyCampaignOnTargets(campaign.id, { now: new Date(), gateway: gs.graph.gateway })).toEqual({
      verified: 1,
      failed: 0,
      read: 1,
    });
    const done = await getCampaignProgress(db, campaign.id, { now: new Date() });
    expect(done.outcome).toMatchObject({ kind: 'completed', counts: { succeeded: 2, onTarget: 1 } });
  });

  it('reads succeeded items while the campaign runs, longest finished first, and queues the tick once nothing is left to run', async () => {
    const { gs } = fleet;
    const oldC = fleet.cert('old-running');
    const newC = fleet.cert('new-running');
    // Rotated first; rotated second but the old key is back; already on the target; not started yet.
    const specs = [
      { name: 'First Rotated Ltd', certs: [newC.pem] },
      { name: 'Second Rotated Ltd', certs: [oldC.pem, newC.pem] },
      { name: 'Skipped Ltd', certs: [newC.pem] },
      { name: 'Queued Ltd', certs: [newC.pem] },
    ];
    const { connectorIds, campaign, rotated } = await campaignOver('Verify while running', oldC, newC, specs);
    const t0 = Date.now() - 60_000;
    // Created out of order: the read goes by when the item finished, not by creation.
    const second = await db.campaignItem.create({
      data: {
        campaignId: campaign.id,
        connectorId: connectorIds[1]!,
        ...(await rotated(connectorIds[1]!, new Date(t0 + 2000))),
      },
    });
    const first = await db.campaignItem.create({
      data: {
        campaignId: campaign.id,
        connectorId: connectorIds[0]!,
        ...(await rotated(connectorIds[0]!, new Date(t0))),
      },
    });
    const skipped = await db.campaignItem.create({
      data: { campaignId: campaign.id, connectorId: connectorIds[2]!, state: 'SKIPPED', message: ALREADY_ON_TARGET },
    });
    const queued = await db.campaignItem.create({
      data: { campaignId: campaign.id, connectorId: connectorIds[3]!, state: 'QUEUED' },
    });
    const message = async (id: string) => (await db.campaignItem.findUniqueOrThrow({ where: { id } })).message;

    const slices: string[][] = [];
    const ticks: string[] = [];
    const deps = {
      now: () => new Date(),
      slice: 1,
      read: async (id: string, now: Date, slice: number) => {
        const before = await db.campaignItem.findMany({
          where: { campaignId: id },
          select: { id: true, message: true },
        });
        const r = await verifyCampaignOnTargets(id, { now, slice, gateway: gs.graph.gateway });
        const after = await db.campaignItem.findMany({
          where: { campaignId: id },
          select: { id: true, message: true },
        });
        slices.push(after.filter((a) => before.find((b) => b.id === a.id)?.message !== a.message).map((a) => a.id));
        return r;
      },
      tick: async (id: string) => void ticks.push(id),
    };
    // One item per slice: the first finished, then the second, then nothing (the skip waits for the final read).
    expect(await verifyRunningCampaign(campaign.id, deps)).toBe(2);
    expect(slices).toEqual([[first.id], [second.id], []]);
    expect(await message(first.id)).toMatch(/^Verified in the tenant at /);
    expect(await db.campaignItem.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      state: 'FAILED',
      message: `Not done: the final verification found the old credential ${sha1(oldC.der)} still in the app.`,
    });
    expect(await message(skipped.id)).toBe(ALREADY_ON_TARGET);
    // An item still queued: no tick yet (the rotations' own ends bring it).
    expect(ticks).toEqual([]);

    // The last item ends: the next run reads it, and, nothing being left to run, queues the tick.
    await db.campaignItem.update({ where: { id: queued.id }, data: await rotated(connectorIds[3]!, new Date()) });
    slices.length = 0;
    expect(await verifyRunningCampaign(campaign.id, deps)).toBe(1);
    expect(slices).toEqual([[queued.id], []]);
    expect(await message(queued.id)).toMatch(/^Verified in the tenant at /);
    expect(ticks).toEqual([campaign.id]);

    // Another process reading (the final read, or another worker's run): this one leaves it.
    let release!: () => void;
    const held = tryWithCampaignVerifyLock(campaign.id, () => new Promise<void>((r) => (release = r)));
    await expect.poll(() => release !== undefined).toBe(true);
    expect(await verifyRunningCampaign(campaign.id, deps)).toBeNull();
    release();
    expect(await held).toBe(true);
    expect(ticks).toEqual([campaign.id]);
  });
});
