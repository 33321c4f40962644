/**
 * The truth checker against the in-process simulator: a drifted credential and a tenant never
 * scanned. Each scenario first shows the checker catching a claim the simulator contradicts (so it
 * can fail), then Rekey catching up and the checker finding nothing.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { reclassifyConnectors } from '@/lib/detection/reclassify-connectors';
import { getFleetOverview } from '@/lib/fleet/get-fleet-overview';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCert } from '@/lib/testing/certs';
import { readSimTenants } from '@/lib/testing/simulator-read';
import { checkTruth } from '@/lib/testing/truth-checker';
import { addTenant } from '@/lib/tenants/add-tenant';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import type { UseCaseContext } from '@/lib/use-case';

const DAY = 86_400_000;
const sha1 = (der: Buffer) => createHash('sha1').update(der).digest('hex').toUpperCase();
let gs: GraphSim;
let ctx: UseCaseContext;
let slot = 420;
const cert = (name: string) =>
  buildCert({
    subject: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 200 * DAY),
    slot: slot++,
  });

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  ctx = createUseCaseContext({ actor: { id: null, label: 'scheduler' }, now: new Date(), graph: () => gs.graph });
  await seedDefaults(db);
});
afterAll(async () => {
  await gs?.close();
});

async function check(simIds: string[], now = new Date()) {
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
    const leaked = cert('leaked');
    const good = cert('good');
    const t = gs.makeTenant({ name: 'Drift Ltd' });
    simIds.push(t.id);
    const exposedApp = gs.makeConnector(t.id, { displayName: 'Continuity Monitor', certificates: [leaked.pem] });
    const cleanApp = gs.makeConnector(t.id, { displayName: 'Mailbox Archive Sync EU', certificates: [good.pem] });
    const tenant = await addTenant(ctx, { tenant: t.id, name: 'Drift Ltd' });
    const advisory = await db.advisory.create({
      data: {
        title: 'Leaked key',
        severity: 'critical',
        publishedAt: new Date(),
        indicators: { create: [{ kind: 'sha1', value: sha1(leaked.der) }] },
      },
    });
    expect(advisory.id).toBeTruthy();
    await scanTenant(ctx, { tenantId: tenant.id });
    await reclassifyConnectors(db, { tenantIds: [tenant.id] }, { now: new Date() });
    const first = await check(simIds);
    expect(first.mismatches).toEqual([]);
    expect(first.expected).toEqual({ exposed: 1, noAccess: 0, notScannedRecently: 0 });
    expect(exposedApp.appId).not.toBe(cleanApp.appId);

    // Someone adds a credential to the clean app outside Rekey: until Rekey reads it, it says healthy.
    gs.sim.admin.addKeyCredentialDirect(t.id, { appId: cleanApp.appId, certificate: cert('rogue').pem });
    const stale = await check(simIds);
    expect(stale.mismatches).toEqual([
      expect.stringMatching(
        /^Drift Ltd \/ Mailbox Archive Sync EU: the app holds 1 credential\(s\) Rekey did not add .* but Rekey says healthy$/,
      ),
    ]);
    await scanTenant(ctx, { tenantId: tenant.id });
    await reclassifyConnectors(db, { tenantIds: [tenant.id] }, { now: new Date() });
    expect((await check(simIds)).mismatches).toEqual([]);
  });

  it('a tenant never scanned: counted "Not scanned recently", never silently fine', async () => {
    const leaked = await db.advisoryIndicator.findFirstOrThrow({ where: { kind: 'sha1' } });
    const t = gs.makeTenant({ name: 'Never Ltd' });
    simIds.push(t.id);
    gs.makeConnector(t.id, { displayName: 'Continuity Monitor', certificates: [cert('never-own').pem] });
    await addTenant(ctx, { tenant: t.id, name: 'Never Ltd' });
    const r = await check(simIds);
    expect(r.mismatches).toEqual([]);
    expect(r.expected).toMatchObject({ notScannedRecently: 1, noAccess: 0 });
    expect(r.shown.notScannedRecently).toBe(1);
    // The figure Rekey showed before tenant access states (no tile) is a lie the checker names.
    const sim = await readSimTenants({ simUrl: gs.sim.url, manifest: gs.manifest, tenantIds: simIds });
    const before = await checkTruth(db, sim, { now: new Date(), shown: { ...r.shown, notScannedRecently: 0 } });
    expect(before.mismatches).toEqual(['notScannedRecently: Rekey shows 0, the truth is 1']);
    expect(leaked.value).toMatch(/^[0-9A-F]{40}$/);
  });

  it('a tenant whose consent was revoked: readable to Rekey only until its next scan', async () => {
    const t = gs.makeTenant({ name: 'Revoked Ltd' });
    simIds.push(t.id);
    gs.makeConnector(t.id, { displayName: 'Continuity Monitor', certificates: [cert('revoked-own').pem] });
    const tenant = await addTenant(ctx, { tenant: t.id, name: 'Revoked Ltd' });
    await scanTenant(ctx, { tenantId: tenant.id });
    gs.sim.admin.revokeConsent(t.id, gs.manifest.managementApp.appId);
    expect((await check(simIds)).mismatches).toEqual([
      'Revoked Ltd: the simulator refuses Rekey, but Rekey shows the tenant as readable',
    ]);
    await expect(
      scanTenant(
        {
          ...ctx,
          graph: (
            (g) => () =>
              g
          )(gs.newGraph()),
        },
        { tenantId: tenant.id },
      ),
    ).rejects.toThrow();
    const r = await check(simIds);
    expect(r.mismatches).toEqual([]);
    expect(r.expected).toMatchObject({ noAccess: 1 });
  });
});
