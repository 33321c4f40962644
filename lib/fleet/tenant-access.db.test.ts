/**
 * Tenants Rekey cannot see are visible: "No access" (consent missing, scan refused) and "Not
 * scanned recently" (never, or older than the policy's maxScanAgeHours) — one rule in TypeScript
 * and SQL, counted on the overview, in the tenants list behind the tile, in the security report
 * and the CLI's JSON; and a connector last known exposed stays counted exposed while its tenant
 * cannot be read (the simulator revokes consent, the scan is refused, nothing turns "fine").
 */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { getFleetOverview } from '@/lib/fleet/get-fleet-overview';
import { listTenants } from '@/lib/fleet/list-tenants';
import { tenantAccess, tenantAccessSql, type TenantAccessInput } from '@/lib/fleet/tenant-access';
import { getSecurityReport } from '@/lib/reports/get-security-report';
import { withSimFleet } from '@/lib/testing/fleet-builders';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import { tenantJson } from '@/cli/commands/tenants';

const HOUR = 3_600_000;
const now = new Date('2026-12-03T12:00:00Z');

describe('tenantAccess (the rule)', () => {
  const base: TenantAccessInput = {
    consentState: 'consented',
    lastScanAt: new Date(now.getTime() - HOUR),
    lastScanError: null,
  };
  it.each([
    ['scanned an hour ago', base, 'ok'],
    ['consent not granted', { ...base, consentState: 'not_consented' }, 'no_access'],
    ['permissions missing', { ...base, consentState: 'missing_permissions', consentDetail: 'lacks X' }, 'no_access'],
    ['the consent check failed', { ...base, consentState: 'error' }, 'no_access'],
    ['the last scan was refused', { ...base, lastScanError: 'AADSTS7000112' }, 'no_access'],
    ['never scanned', { ...base, lastScanAt: null }, 'not_scanned_recently'],
    ['scanned 25 h ago', { ...base, lastScanAt: new Date(now.getTime() - 25 * HOUR) }, 'not_scanned_recently'],
    ['scanned exactly 24 h ago', { ...base, lastScanAt: new Date(now.getTime() - 24 * HOUR) }, 'ok'],
    ['consent unknown but scanned', { ...base, consentState: 'unknown' }, 'ok'],
  ] as const)('%s: TypeScript and SQL agree', async (_name, input, expected) => {
    const r = tenantAccess(input, now, 24);
    expect(r.access).toBe(expected);
    expect(r.reason === null).toBe(expected === 'ok');
    const [row] = await db.$queryRaw<{ access: string }[]>`
      SELECT ${tenantAccessSql(now, 24)} AS access FROM (SELECT ${input.consentState}::"ConsentState" AS "consentState",
        ${input.lastScanAt}::timestamp AS "lastScanAt", ${input.lastScanError}::text AS "lastScanError") t`;
    expect(row!.access).toBe(expected);
  });
});

describe('tenants Rekey cannot read, against the simulator', () => {
  const fleet = withSimFleet(410);

  it('counts each state on the overview, the list behind each tile, the report and the CLI; exposed stays exposed', async () => {
    const { gs, ctx } = fleet;
    const cert = fleet.cert('vendor-leaked');
    const scanAt = new Date();
    const app = [{ displayName: 'Continuity Monitor', certificates: [cert.pem] }];
    const readable = await fleet.onboard('Readable Ltd', app);
    const revoked = await fleet.onboard('Revoked Ltd', app);
    const never = await fleet.onboard('Never Ltd', [], { scan: false });
    const [tr, tv, tn] = [readable, revoked, never].map((t) => ({ id: t.tenantId })) as [
      { id: string },
      { id: string },
      { id: string },
    ];
    // Both apps hold the leaked certificate: mark both exposed as an advisory would.
    await db.connector.updateMany({ where: { tenantId: { in: [tr.id, tv.id] } }, data: { status: 'compromised' } });

    // The tenant's admin removes Rekey: the next scan (a fresh process: no token issued before the
    // change) is refused and changes no connector.
    gs.sim.admin.revokeConsent(revoked.simTenantId, gs.manifest.managementApp.appId);
    await expect(
      scanTenant({ ...ctx, graph: fleet.freshGraph(), now: new Date() }, { tenantId: tv.id }),
    ).rejects.toThrow();
    const kept = await db.connector.findMany({ where: { tenantId: tv.id } });
    expect(kept.map((c) => c.status)).toEqual(['compromised']);

    const at = new Date(scanAt.getTime() + HOUR);
    const o = await getFleetOverview(db, { all: true }, {}, at);
    expect(o.access).toEqual({ noAccess: 1, notScannedRecently: 1, exposedUnreadable: 1, maxScanAgeHours: 24 });
    expect(o.exposedConnectors).toBe(2);

    const noAccess = await listTenants(db, {}, { filters: { access: 'no_access' }, now: at });
    expect(noAccess.rows.map((r) => [r.displayName, r.access])).toEqual([['Revoked Ltd', 'no_access']]);
    expect(noAccess.rows[0]!.accessReason).toMatch(/^The last scan failed: /);
    expect(noAccess.rows[0]!.statusCounts).toEqual({ compromised: 1 });
    const stale = await listTenants(db, {}, { filters: { access: 'not_scanned_recently' }, now: at });
    expect(stale.rows.map((r) => [r.displayName, r.accessReason])).toEqual([['Never Ltd', 'Never scanned.']]);
    expect(stale.total).toBe(o.access.notScannedRecently);
    expect(tenantJson(stale.rows[0]!)).toMatchObject({
      access: 'not_scanned_recently',
      accessReason: 'Never scanned.',
    });

    const report = await getSecurityReport(db, { all: true }, { now: at, days: 7 });
    expect(report.summary).toMatchObject({
      exposedNow: 2,
      noAccessTenants: 1,
      notScannedRecentlyTenants: 1,
      exposedUnreadable: 1,
    });

    // A day later nothing was scanned: the readable tenant is no longer recent either.
    const later = await getFleetOverview(db, { all: true }, {}, new Date(scanAt.getTime() + 25 * HOUR));
    expect(later.access).toMatchObject({ noAccess: 1, notScannedRecently: 2 });
    // A scoped view counts only its tenants.
    const scoped = await getFleetOverview(db, { all: false, tenantIds: [tn.id], groups: [] }, {}, at);
    expect(scoped.access).toMatchObject({ noAccess: 0, notScannedRecently: 1, exposedUnreadable: 0 });
  });
});
