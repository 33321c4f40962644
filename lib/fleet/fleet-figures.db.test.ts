/**
 * One definition of each number: the overview's figure, the list its link opens, the tenants list,
 * the security report and the CLI's list all count the same connectors — exposed includes targeted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { countFor, STATUS_FILTER_VALUES, statusesFor } from '@/lib/fleet/fleet-figures';
import { parseFleetFilters, type FleetFilters } from '@/lib/fleet/fleet-filters';
import type { FleetScope } from '@/lib/fleet/fleet-scope';
import { getFleetOverview } from '@/lib/fleet/get-fleet-overview';
import { listConnectors } from '@/lib/fleet/list-connectors';
import { listTenants } from '@/lib/fleet/list-tenants';
import { getSecurityReport } from '@/lib/reports/get-security-report';
import { buildSampleFleet } from '@/lib/testing/fleet-builders';

const now = new Date('2026-12-01T12:00:00Z');
let tenantIds: string[] = [];

beforeAll(async () => {
  const f = await buildSampleFleet(db);
  tenantIds = [f.alpha.id, f.bravo.id, f.charlie.id];
});

describe('fleet figures', () => {
  it('exposed is targeted + compromised; every other filter is its own status', () => {
    expect(statusesFor('exposed')).toEqual(['targeted', 'compromised']);
    for (const s of STATUS_FILTER_VALUES.filter((x) => x !== 'exposed')) expect(statusesFor(s)).toEqual([s]);
    expect(parseFleetFilters({ status: 'exposed' })).toEqual({ status: 'exposed' });
  });

  const scopes: [string, FleetScope, FleetFilters][] = [
    ['the whole fleet', { all: true }, {}],
    ['a region', { all: true }, { region: 'US' }],
    ['a group scope', { all: false, tenantIds: [], groups: ['B'] }, {}],
  ];
  it.each(scopes)('the overview, the list behind it and the report agree for %s', async (_, scope, filters) => {
    const o = await getFleetOverview(db, scope, filters, now);
    const where = scope.all ? {} : { group: { in: scope.groups } };
    const exposedList = await listConnectors(db, where, { filters: { ...filters, status: 'exposed' }, pageSize: 200 });
    expect(exposedList.total).toBe(o.exposedConnectors);
    expect(exposedList.rows.every((r) => r.status === 'targeted' || r.status === 'compromised')).toBe(true);
    expect(o.exposedConnectors).toBe(countFor(o.byStatus, 'exposed'));
    for (const status of STATUS_FILTER_VALUES) {
      const list = await listConnectors(db, where, { filters: { ...filters, status }, pageSize: 200 });
      expect(list.total, status).toBe(countFor(o.byStatus, status));
    }
    const report = await getSecurityReport(db, scope, { now, days: 7, filters });
    expect(report.summary.exposedNow).toBe(o.exposedConnectors);
    const tenants = await listTenants(db, where, { filters: { ...filters, status: 'exposed' } });
    expect(tenants.total).toBe(new Set(exposedList.rows.map((r) => r.tenant.id)).size);
  });

  it('counts targeted connectors as exposed (3 tenants, 3 exposed of 7)', async () => {
    const o = await getFleetOverview(db, { all: true }, {}, now);
    expect(o.exposedConnectors).toBe(3);
    expect(o.byStatus.targeted).toBe(1);
    expect(tenantIds).toHaveLength(3);
  });
});
