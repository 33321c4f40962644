/**
 * The truth checker against the in-process simulator: a drifted credential and a tenant never
 * scanned. Each scenario first shows the checker catching a claim the simulator contradicts (so it
 * can fail), then Rekey catching up and the checker finding nothing.
 */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { reclassifyConnectors } from '@/lib/detection/reclassify-connectors';
import { getFleetOverview } from '@/lib/fleet/get-fleet-overview';
import { sha1Of, withSimFleet } from '@/lib/testing/fleet-builders';
import { readSimTenants } from '@/lib/testing/simulator-read';
import { checkTruth } from '@/lib/testing/truth-checker';
import { scanTenant } from '@/lib/tenants/scan-tenant';

const fleet = withSimFleet(420);
const cert = (name: string) => fleet.cert(name);

async function check(simIds: string[], now = new Date()) {
  const gs = fleet.gs;
  const sim = await readSimTenants({ simUrl: gs.sim.url, manifest: gs.manifest, tenantIds: simIds });
  const o = await getFleetOverview(db, { all: true }, {}, now);
  const shown = {
    exposed: o.exposedConnectors,
    noAccess: o.access.noAccess,
    notScannedRecently: o.access.notScannedRecently,
  };
  return { ...(await checkTruth(db, sim, { now, shown })), shown };
}

describe('the truth checker', () => {
  const simIds: string[] = [];

  it('a drifted credential: wrong until a scan shows drift, then true', async () => {
    const { gs, ctx } = fleet;
    const leaked = cert('leaked');
    const good = cert('good');
    const advisory = await db.advisory.create({
      data: {
        title: 'Leaked key',
        severity: 'critical',
        publishedAt: new Date(),
        indicators: { create: [{ kind: 'sha1', value: sha1Of(leaked.der) }] },
      },
    });
    expect(advisory.id).toBeTruthy();
    const t = await fleet.onboard('Drift Ltd', [
      { displayName: 'Continuity Monitor', certificates: [leaked.pem] },
      { displayName: 'Mailbox Archive Sync EU', certificates: [good.pem] },
    ]);
    simIds.push(t.simTenantId);
    const [exposedApp, cleanApp] = t.appIds;
    await reclassifyConnectors(db, { tenantIds: [t.tenantId] }, { now: new Date() });
    const first = await check(simIds);
    expect(first.mismatches).toEqual([]);
    expect(first.expected).toEqual({ exposed: 1, noAccess: 0, notScannedRecently: 0 });
    expect(exposedApp).not.toBe(cleanApp);

    // Someone adds a credential to the clean app outside Rekey: until Rekey reads it, it says healthy,
    // and the checker names the tenant's last scan (stale), never agreeing silently.
    gs.sim.admin.addKeyCredentialDirect(t.simTenantId, { appId: cleanApp!, certificate: cert('rogue').pem });
    const stale = await check(simIds);
    expect(stale.mismatches).toEqual([
      expect.stringMatching(
        /^Drift Ltd \/ Mailbox Archive Sync EU: the app holds 1 credential\(s\) Rekey did not add .* but Rekey says healthy — stale: Rekey's last successful scan of Drift Ltd was \d{4}-.*, and it has not looked since$/,
      ),
    ]);
    // A page or list still showing the connector healthy is named too, with where it was read.
    const sim = await readSimTenants({ simUrl: gs.sim.url, manifest: gs.manifest, tenantIds: [t.simTenantId] });
    const page = { where: 'the connector page', entraTenantId: t.simTenantId, appId: cleanApp! };
    expect(
      (await checkTruth(db, sim, { now: new Date(), shown: { connectors: [{ ...page, status: 'healthy' }] } }))
        .mismatches,
    ).toEqual([
      expect.stringMatching(/^Drift Ltd \/ Mailbox Archive Sync EU: the app holds 1 credential/),
      expect.stringMatching(
        /^Drift Ltd \/ Mailbox Archive Sync EU: the connector page shows healthy, but the app holds 1 credential\(s\) Rekey did not add \([0-9A-F]{40}\)$/,
      ),
    ]);
    await scanTenant({ ...ctx, now: new Date() }, { tenantId: t.tenantId });
    await reclassifyConnectors(db, { tenantIds: [t.tenantId] }, { now: new Date() });
    expect((await check(simIds)).mismatches).toEqual([]);
    const after = await readSimTenants({ simUrl: gs.sim.url, manifest: gs.manifest, tenantIds: [t.simTenantId] });
    expect(
      (await checkTruth(db, after, { now: new Date(), shown: { connectors: [{ ...page, status: 'drift' }] } }))
        .mismatches,
    ).toEqual([]);
  });

  it('a tenant never scanned: counted "Not scanned recently", never silently fine', async () => {
    const { gs } = fleet;
    const leaked = await db.advisoryIndicator.findFirstOrThrow({ where: { kind: 'sha1' } });
    const t = await fleet.onboard(
      'Never Ltd',
      [{ displayName: 'Continuity Monitor', certificates: [cert('never-own').pem] }],
      {
        scan: false,
      },
    );
    simIds.push(t.simTenantId);
    const r = await check(simIds);
    expect(r.mismatches).toEqual([]);
    expect(r.expected).toMatchObject({ notScannedRecently: 1, noAccess: 0 });
    expect(r.shown.notScannedRecently).toBe(1);
    // The figure Rekey showed before tenant access states (no tile) is a lie the checker names.
    const sim = await readSimTenants({ simUrl: gs.sim.url, manifest: gs.manifest, tenantIds: simIds });
    const before = await checkTruth(db, sim, { now: new Date(), shown: { ...r.shown, notScannedRecently: 0 } });
    expect(before.mismatches).toEqual(['notScannedRecently: Rekey shows 0, the truth is 1']);
    // Claims named by where they were read: a list's per-tenant figures are checked too.
    const named = await checkTruth(db, sim, {
      now: new Date(),
      shown: {
        figures: [{ where: 'the overview tile', figure: 'notScannedRecently', value: 0 }],
        tenants: [{ where: 'rekey tenants list --json', entraTenantId: t.simTenantId, access: 'ok', exposed: 0 }],
      },
    });
    expect(named.mismatches).toEqual([
      'notScannedRecently: the overview tile shows 0, the truth is 1',
      'Never Ltd: rekey tenants list --json shows access ok, the truth is not_scanned_recently',
    ]);
    expect(leaked.value).toMatch(/^[0-9A-F]{40}$/);
  });

  it('a tenant whose consent was revoked: readable to Rekey only until its next scan', async () => {
    const { gs, ctx } = fleet;
    const t = await fleet.onboard('Revoked Ltd', [
      { displayName: 'Continuity Monitor', certificates: [cert('revoked-own').pem] },
    ]);
    simIds.push(t.simTenantId);
    gs.sim.admin.revokeConsent(t.simTenantId, gs.manifest.managementApp.appId);
    expect((await check(simIds)).mismatches).toEqual([
      expect.stringMatching(
        /^Revoked Ltd: the simulator refuses Rekey, but Rekey shows the tenant as readable — stale: Rekey's last successful scan of Revoked Ltd was \d{4}-/,
      ),
    ]);
    await expect(scanTenant({ ...ctx, graph: fleet.freshGraph() }, { tenantId: t.tenantId })).rejects.toThrow();
    const r = await check(simIds);
    expect(r.mismatches).toEqual([]);
    expect(r.expected).toMatchObject({ noAccess: 1 });
  });

  it('a connector list contradicted by the simulator is named with where it was read', async () => {
    const { gs } = fleet;
    const leaked = cert('listed-leaked');
    await db.advisory.create({
      data: {
        title: 'Another leaked key',
        severity: 'high',
        publishedAt: new Date(),
        indicators: { create: [{ kind: 'sha1', value: sha1Of(leaked.der) }] },
      },
    });
    const t = await fleet.onboard('Listed Ltd', [{ displayName: 'Continuity Monitor', certificates: [leaked.pem] }]);
    simIds.push(t.simTenantId);
    await reclassifyConnectors(db, { tenantIds: [t.tenantId] }, { now: new Date() });
    const sim = await readSimTenants({ simUrl: gs.sim.url, manifest: gs.manifest, tenantIds: [t.simTenantId] });
    const claim = (status: string) => ({
      where: 'rekey connectors list --json',
      entraTenantId: t.simTenantId,
      appId: t.appIds[0]!,
      status,
    });
    expect(
      (await checkTruth(db, sim, { now: new Date(), shown: { connectors: [claim('compromised')] } })).mismatches,
    ).toEqual([]);
    expect(
      (await checkTruth(db, sim, { now: new Date(), shown: { connectors: [claim('healthy')] } })).mismatches,
    ).toEqual(['Listed Ltd / Continuity Monitor: rekey connectors list --json shows healthy, the truth is exposed']);
  });

  it('a figure over tenants the simulator read did not cover is named as unchecked, not as a lie', async () => {
    // Every tenant so far is covered: the figures agree.
    expect((await check(simIds)).mismatches).toEqual([]);
    // A tenant Rekey holds that this read leaves out (in the e2e stack: the home tenant an admin onboarded).
    const t = await fleet.onboard(
      'Unread Ltd',
      [{ displayName: 'Continuity Monitor', certificates: [cert('unread').pem] }],
      {
        scan: false,
      },
    );
    const r = await check(simIds);
    expect(r.mismatches).toEqual([
      'the simulator read does not cover 1 tenant(s) Rekey holds (Unread Ltd), so the figures cannot be checked — read every tenant',
      'notScannedRecently: Rekey shows 2, the truth is 1', // Never Ltd and Unread Ltd; the read covers Never Ltd only
    ]);
    expect((await check([...simIds, t.simTenantId])).mismatches).toEqual([]);
  });
});
