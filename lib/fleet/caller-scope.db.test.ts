import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '@/lib/auth/principal';
import { db } from '@/lib/db';
import { getDetectionSettings, loadDetectionSettings } from '@/lib/detection/detection-settings';
import { fleetScopeFor } from '@/lib/fleet/fleet-scope';
import { getFleetOverviewFor } from '@/lib/fleet/get-fleet-overview';
import { listConnectorsFor } from '@/lib/fleet/list-connectors';
import { listFilterOptionsFor } from '@/lib/fleet/list-filter-options';
import { listTenantsFor } from '@/lib/fleet/list-tenants';
import { getSecurityReport, getSecurityReportFor } from '@/lib/reports/get-security-report';
import { buildSampleFleet } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
let fleet: Awaited<ReturnType<typeof buildSampleFleet>>;
const principal = (roles: Principal['roles']): Principal => ({
  userId: randomUUID(),
  email: 'p@rekey.example',
  name: 'P',
  roles,
});
const ctxOf = (p?: Principal) =>
  createUseCaseContext({ actor: { id: null, label: 'test' }, now, ...(p ? { principal: p } : {}) });

beforeAll(async () => {
  fleet = await buildSampleFleet(db);
});

describe('the fleet and report reads’ (ctx, input) entry points scope to the caller', () => {
  it('a viewer of group B sees Bravo only; a fleet-wide admin and the trusted caller see all three tenants', async () => {
    const bravoViewer = ctxOf(principal([{ role: 'viewer', allTenants: false, tenantIds: [], groups: ['B'] }]));
    const admin = ctxOf(principal([{ role: 'admin', allTenants: true, tenantIds: [], groups: [] }]));
    const system = ctxOf();

    const tenants = async (c: ReturnType<typeof ctxOf>) =>
      (await listTenantsFor(c, { filters: {}, now, page: 1, pageSize: 50 })).rows.map((t) => t.displayName).sort();
    expect(await tenants(bravoViewer)).toEqual(['Bravo']);
    expect(await tenants(admin)).toEqual(['Alpha', 'Bravo', 'Charlie']);
    expect(await tenants(system)).toEqual(['Alpha', 'Bravo', 'Charlie']);

    const connectors = await listConnectorsFor(bravoViewer, { filters: {}, page: 1, pageSize: 50 });
    expect(connectors.total).toBe(3);
    expect(new Set(connectors.rows.map((c) => c.tenant.id))).toEqual(new Set([fleet.bravo.id]));
    expect((await listConnectorsFor(admin, { filters: {}, page: 1, pageSize: 50 })).total).toBe(7);

    const overview = await getFleetOverviewFor(bravoViewer, { filters: {} });
    expect({ tenants: overview.tenants, connectors: overview.connectors, exposed: overview.exposedConnectors }).toEqual(
      { tenants: 1, connectors: 3, exposed: 2 },
    );
    const all = await getFleetOverviewFor(system, { filters: {} });
    expect({ tenants: all.tenants, connectors: all.connectors, exposed: all.exposedConnectors }).toEqual({
      tenants: 3,
      connectors: 7,
      exposed: 3,
    });

    const report = await getSecurityReportFor(bravoViewer, { days: 30 });
    expect(report.summary.exposedNow).toBe(2);
    expect(report.summary).toEqual(
      (await getSecurityReport(db, fleetScopeFor(bravoViewer.principal!, 'viewer'), { now, days: 30 })).summary,
    );
    expect((await getSecurityReportFor(system, { days: 30 })).summary.exposedNow).toBe(3);
    expect(report.generatedAt).toEqual(now);

    expect((await listFilterOptionsFor(bravoViewer)).groups).toEqual(['B']);
    // Operator-level choices: the group-B viewer may operate on nothing.
    expect((await listFilterOptionsFor(bravoViewer, { min: 'operator' })).groups).toEqual([]);
    expect((await listFilterOptionsFor(admin)).regions).toEqual(['EU', 'US']);
  });

  it('reads the detection settings through the context as through the database', async () => {
    expect(await getDetectionSettings(ctxOf())).toEqual(await loadDetectionSettings(db));
  });
});
