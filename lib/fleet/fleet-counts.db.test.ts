/**
 * The fleet counts (TenantConnectorSummary, FleetConnectorCount, FleetTenantCount) stay exactly
 * what counting the connectors gives, after every kind of write, and the overview read from them
 * equals the overview aggregated from the connectors, for every scope and filter.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { getFleetOverview, getFleetOverviewFromConnectors } from '@/lib/fleet/get-fleet-overview';
import type { FleetFilters } from '@/lib/fleet/fleet-filters';
import type { FleetScope } from '@/lib/fleet/fleet-scope';
import { listFilterOptions } from '@/lib/fleet/list-filter-options';
import type { ConnectorStatusValue } from '@/lib/fleet/statuses';
import { buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';

const now = new Date('2026-11-29T12:00:00Z');

/** The three count tables next to the same figures counted from Connector and Tenant now. */
async function countsVersusTruth() {
  const [buckets, bucketTruth, tenants, tenantTruth, summary, summaryTruth] = await Promise.all([
    db.$queryRaw<
      unknown[]
    >`SELECT region, "group", "connectorTypeId", status::text, connectors FROM "FleetConnectorCount" WHERE connectors <> 0 ORDER BY 1, 2, 3, 4`,
    db.$queryRaw<
      unknown[]
    >`SELECT t.region, t."group", c."connectorTypeId", c.status::text, count(*)::int AS connectors FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    db.$queryRaw<unknown[]>`SELECT region, "group", tenants FROM "FleetTenantCount" WHERE tenants <> 0 ORDER BY 1, 2`,
    db.$queryRaw<unknown[]>`SELECT region, "group", count(*)::int AS tenants FROM "Tenant" GROUP BY 1, 2 ORDER BY 1, 2`,
    db.$queryRaw<unknown[]>`
      SELECT "tenantId" AS id, region, "group", connectors, targeted, compromised, expired, drift, expiring, stale, healthy, "worstStatus"::text AS worst
      FROM "TenantConnectorSummary" ORDER BY 1`,
    db.$queryRaw<unknown[]>`
      SELECT t.id, t.region, t."group", count(c.id)::int AS connectors,
             count(c.id) FILTER (WHERE c.status = 'targeted')::int AS targeted, count(c.id) FILTER (WHERE c.status = 'compromised')::int AS compromised,
             count(c.id) FILTER (WHERE c.status = 'expired')::int AS expired, count(c.id) FILTER (WHERE c.status = 'drift')::int AS drift,
             count(c.id) FILTER (WHERE c.status = 'expiring')::int AS expiring, count(c.id) FILTER (WHERE c.status = 'stale')::int AS stale,
             count(c.id) FILTER (WHERE c.status = 'healthy')::int AS healthy, min(c.status)::text AS worst
      FROM "Tenant" t LEFT JOIN "Connector" c ON c."tenantId" = t.id GROUP BY t.id ORDER BY 1`,
  ]);
  return {
    counts: { buckets, tenants, summary },
    truth: { buckets: bucketTruth, tenants: tenantTruth, summary: summaryTruth },
  };
}

async function expectCountsExact() {
  const { counts, truth } = await countsVersusTruth();
  expect(counts).toEqual(truth);
}

let archive: { id: string };
let monitor: { id: string };

beforeAll(async () => {
  archive = await buildConnectorType(db, 'Archive');
  monitor = await buildConnectorType(db, 'Monitor');
});

describe('the fleet counts', () => {
  it('count tenants and connectors as they are created (nested create, createMany, raw SQL)', async () => {
    await buildTenant(db, {
      name: 'Alpha',
      region: 'EU',
      group: 'A',
      connectors: [
        { status: 'compromised', typeId: archive.id },
        { status: 'healthy', typeId: monitor.id },
      ],
    });
    await buildTenant(db, {
      name: 'Bravo',
      region: 'US',
      group: 'B',
      connectors: [
        { status: 'targeted', typeId: archive.id },
        { status: 'expiring', typeId: monitor.id },
      ],
    });
    const charlie = await buildTenant(db, { name: 'Charlie', region: 'US' });
    await db.connector.createMany({
      data: (['drift', 'healthy', 'healthy'] as const).map((status) => ({
        tenantId: charlie.id,
        connectorTypeId: archive.id,
        displayName: 'Bulk',
        appId: randomUUID(),
        appObjectId: randomUUID(),
        status,
      })),
    });
    await db.$executeRaw`
      INSERT INTO "Connector" (id, "tenantId", "connectorTypeId", "displayName", "appId", "appObjectId", status, "updatedAt")
      VALUES (gen_random_uuid(), ${charlie.id}::uuid, ${monitor.id}::uuid, 'Raw', gen_random_uuid()::text, 'x', 'stale', now())`;
    await expectCountsExact();
    const summary = await db.$queryRaw<
      { connectors: number; worstStatus: string }[]
    >`SELECT connectors, "worstStatus"::text AS "worstStatus" FROM "TenantConnectorSummary" WHERE "tenantId" = ${charlie.id}::uuid`;
    expect(summary).toEqual([{ connectors: 4, worstStatus: 'drift' }]);
  });

  it('follow status changes, moves between tenants and types, deletes, and tenant region/group changes', async () => {
    const t = await buildTenant(db, {
      name: 'Delta',
      region: 'UK',
      group: 'A',
      connectors: [
        { status: 'healthy', typeId: archive.id },
        { status: 'healthy', typeId: monitor.id },
        { status: 'stale', typeId: archive.id },
      ],
    });
    const other = await buildTenant(db, { name: 'Echo', region: 'EU', group: null });
    const [c1, c2, c3] = t.connectors;
    await db.connector.update({ where: { id: c1!.id }, data: { status: 'compromised' } });
    await expectCountsExact();
    await db.connector.updateMany({ where: { tenantId: t.id }, data: { status: 'targeted' } });
    await expectCountsExact();
    await db.connector.update({ where: { id: c2!.id }, data: { tenantId: other.id } });
    await db.connector.update({ where: { id: c3!.id }, data: { connectorTypeId: monitor.id } });
    await expectCountsExact();
    await db.connector.delete({ where: { id: c1!.id } });
    await expectCountsExact();
    await db.tenant.update({ where: { id: t.id }, data: { region: 'APAC', group: null } });
    await db.tenant.update({ where: { id: other.id }, data: { group: 'B' } });
    await expectCountsExact();
    await db.tenant.delete({ where: { id: t.id } }); // its connectors go with it (ON DELETE CASCADE)
    await expectCountsExact();
    const gone = await db.$queryRaw<unknown[]>`SELECT 1 FROM "TenantConnectorSummary" WHERE "tenantId" = ${t.id}::uuid`;
    expect(gone).toEqual([]);
  });

  it('count what a transaction committed, at its commit, and nothing of one rolled back', async () => {
    const t = await buildTenant(db, {
      name: 'Foxtrot',
      region: 'EU',
      group: 'A',
      connectors: [{ status: 'healthy', typeId: archive.id }],
    });
    const before = await getFleetOverview(db, { all: true }, {}, now);
    await expect(
      db.$transaction(async (tx) => {
        await tx.connector.update({ where: { id: t.connectors[0]!.id }, data: { status: 'targeted' } });
        await tx.tenant.update({ where: { id: t.id }, data: { region: 'US' } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await getFleetOverview(db, { all: true }, {}, now)).toEqual(before);
    await db.$transaction(async (tx) => {
      await tx.connector.update({ where: { id: t.connectors[0]!.id }, data: { status: 'targeted' } });
      await tx.connector.update({ where: { id: t.connectors[0]!.id }, data: { status: 'compromised' } });
      await tx.connector.update({ where: { id: t.connectors[0]!.id }, data: { status: 'targeted' } });
    });
    const after = await getFleetOverview(db, { all: true }, {}, now);
    expect(after.byStatus.targeted).toBe(before.byStatus.targeted + 1);
    expect(after.byStatus.healthy).toBe(before.byStatus.healthy - 1);
    expect(after.targetedTenants.map((x) => x.displayName)).toContain('Foxtrot');
    await expectCountsExact();
  });

  it('stay exact under concurrent writers on the same tenants and buckets', async () => {
    const statuses: ConnectorStatusValue[] = [
      'targeted',
      'compromised',
      'expired',
      'drift',
      'expiring',
      'stale',
      'healthy',
    ];
    const tenants = await Promise.all(
      [0, 1, 2].map((i) =>
        buildTenant(db, {
          name: `Golf ${i}`,
          region: 'EU',
          group: 'G',
          connectors: Array.from({ length: 6 }, (_, j) => ({
            status: 'healthy' as const,
            typeId: j % 2 ? archive.id : monitor.id,
          })),
        }),
      ),
    );
    const connectors = tenants.flatMap((t) => t.connectors);
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        db.$transaction(async (tx) => {
          // Two connectors per transaction, in opposite orders for neighbours: the shared rows are
          // only touched at commit, so no deadlock.
          const a = connectors[i % connectors.length]!;
          const b = connectors[(i * 7 + 3) % connectors.length]!;
          for (const c of i % 2 ? [a, b] : [b, a])
            await tx.connector.update({
              where: { id: c.id },
              data: { status: statuses[(i + c.displayName.length) % statuses.length]! },
            });
          if (i % 5 === 0)
            await tx.tenant.update({ where: { id: tenants[i % 3]!.id }, data: { group: i % 2 ? 'G' : 'H' } });
        }),
      ),
    );
    await expectCountsExact();
  });

  it('are rebuilt from scratch by rekey_fleet_rebuild (the migration backfill, and what a TRUNCATE runs)', async () => {
    await db.$executeRaw`DELETE FROM "FleetConnectorCount"`; // as if they had drifted
    await db.$executeRaw`SELECT rekey_fleet_rebuild()`;
    await expectCountsExact();
  });
});

describe('the overview read from the fleet counts', () => {
  const scopes: [string, FleetScope][] = [
    ['the whole fleet', { all: true }],
    ['a group', { all: false, tenantIds: [], groups: ['A'] }],
    ['two groups', { all: false, tenantIds: [], groups: ['A', 'B'] }],
    ['no tenant', { all: false, tenantIds: [], groups: [] }],
  ];
  const filters = (): [string, FleetFilters][] => [
    ['no filter', {}],
    ['a region', { region: 'EU' }],
    ['a group filter', { group: 'B' }],
    ['a connector type', { connectorTypeId: archive.id }],
    ['region and type', { region: 'US', connectorTypeId: monitor.id }],
    ['a region nobody is in', { region: 'Mars' }],
  ];

  it.each(scopes)('equals the overview counted from the connectors for %s, with every filter', async (_, scope) => {
    for (const [, f] of filters()) {
      expect(await getFleetOverview(db, scope, f, now)).toEqual(
        await getFleetOverviewFromConnectors(db, scope, f, now),
      );
    }
  });

  it('lists the fleet-wide filter options from the counts as the tenants give them', async () => {
    const fromCounts = await listFilterOptions(db, {});
    const regions = await db.tenant.groupBy({ by: ['region'], orderBy: { region: 'asc' } });
    const groups = await db.tenant.groupBy({
      by: ['group'],
      where: { group: { not: null } },
      orderBy: { group: 'asc' },
    });
    expect(fromCounts.regions).toEqual(regions.map((r) => r.region));
    expect(fromCounts.groups).toEqual(groups.map((g) => g.group));
    expect(fromCounts.connectorTypes.map((t) => t.name)).toEqual(['Archive', 'Monitor']);
    const types = await db.connectorType.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } });
    expect(fromCounts.connectorTypes).toEqual(types);
  });

  it('shows a scoped user only their tenants', async () => {
    const scoped = await listFilterOptions(db, { group: { in: ['B'] } });
    expect(scoped.groups).toEqual(['B']);
    expect(scoped.connectorTypes).toEqual((await listFilterOptions(db, {})).connectorTypes);
    const o = await getFleetOverview(db, { all: false, tenantIds: [], groups: ['B'] }, {}, now);
    const inB = await db.connector.count({ where: { tenant: { group: 'B' } } });
    expect(o.connectors).toBe(inB);
    expect(o.tenants).toBe(await db.tenant.count({ where: { group: 'B' } }));
  });
});
