import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { listTenants, type ListTenantsInput } from '@/lib/fleet/list-tenants';
import { buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';

let ids: Record<'alpha' | 'bravo' | 'charlie' | 'delta' | 'pct', string>;
let archive: { id: string };
let monitor: { id: string };

beforeAll(async () => {
  archive = await buildConnectorType(db, 'Archive');
  monitor = await buildConnectorType(db, 'Monitor');
  const alpha = await buildTenant(db, {
    name: 'Alpha Northwind',
    region: 'EU',
    group: 'A',
    connectors: [
      { status: 'compromised', typeId: archive.id },
      { status: 'healthy', typeId: monitor.id },
    ],
  });
  const bravo = await buildTenant(db, {
    name: 'Bravo',
    region: 'US',
    group: 'B',
    connectors: [
      { status: 'targeted', typeId: archive.id },
      { status: 'compromised', typeId: archive.id },
      { status: 'expiring', typeId: monitor.id },
    ],
  });
  const charlie = await buildTenant(db, { name: 'Charlie Northwind', region: 'EU', group: 'B', connectors: [] });
  const delta = await buildTenant(db, {
    name: 'Delta',
    region: 'EU',
    group: null,
    connectors: [{ status: 'healthy', typeId: monitor.id }],
  });
  const pct = await buildTenant(db, { name: '100% Shop', region: 'UK', connectors: [] });
  ids = { alpha: alpha.id, bravo: bravo.id, charlie: charlie.id, delta: delta.id, pct: pct.id };
});

const names = (r: { rows: { displayName: string }[] }) => r.rows.map((t) => t.displayName);

describe('the tenants table', () => {
  it('shows connector counts, status counts and the worst status per tenant', async () => {
    const r = await listTenants(db, {}, { filters: {} });
    expect(r.total).toBe(5);
    expect(names(r)).toEqual(['100% Shop', 'Alpha Northwind', 'Bravo', 'Charlie Northwind', 'Delta']);
    const bravo = r.rows.find((t) => t.id === ids.bravo)!;
    expect(bravo).toMatchObject({
      connectors: 3,
      statusCounts: { targeted: 1, compromised: 1, expiring: 1 },
      worstStatus: 'targeted',
      region: 'US',
      group: 'B',
      consentState: 'consented',
    });
    expect(r.rows.find((t) => t.id === ids.charlie)).toMatchObject({
      connectors: 0,
      statusCounts: {},
      worstStatus: null,
    });
  });

  it('sorts by connectors (ties by name) and pages, with the total on every page', async () => {
    const desc = await listTenants(db, {}, { filters: {}, sort: 'connectors', dir: 'desc' });
    expect(names(desc)).toEqual(['Bravo', 'Alpha Northwind', 'Delta', '100% Shop', 'Charlie Northwind']);
    const asc = await listTenants(
      db,
      {},
      { filters: { region: 'EU' }, sort: 'connectors', dir: 'asc', page: 2, pageSize: 2 },
    );
    expect(asc).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(names(asc)).toEqual(['Alpha Northwind']);
    const past = await listTenants(db, {}, { filters: { region: 'EU' }, page: 9, pageSize: 2 });
    expect(past).toMatchObject({ total: 3, rows: [] });
  });

  it('reflects a connector change at once', async () => {
    const delta = await db.connector.findFirstOrThrow({ where: { tenantId: ids.delta } });
    await db.connector.update({ where: { id: delta.id }, data: { status: 'drift' } });
    const r = await listTenants(db, {}, { filters: { status: 'drift' } });
    expect(r.rows.map((t) => [t.displayName, t.worstStatus])).toEqual([['Delta', 'drift']]);
    await db.connector.update({ where: { id: delta.id }, data: { status: 'healthy' } });
    expect((await listTenants(db, {}, { filters: { status: 'drift' } })).total).toBe(0);
  });

  it('filters by status, connector type, region and group', async () => {
    expect(names(await listTenants(db, {}, { filters: { status: 'compromised' } }))).toEqual([
      'Alpha Northwind',
      'Bravo',
    ]);
    expect(names(await listTenants(db, {}, { filters: { connectorTypeId: monitor.id, region: 'EU' } }))).toEqual([
      'Alpha Northwind',
      'Delta',
    ]);
    expect(names(await listTenants(db, {}, { filters: { group: 'B' } }))).toEqual(['Bravo', 'Charlie Northwind']);
  });

  it('searches names and domains case-insensitively, wildcards literally, and tenant ids exactly', async () => {
    expect(names(await listTenants(db, {}, { filters: { q: 'NORTHWIND' } }))).toEqual([
      'Alpha Northwind',
      'Charlie Northwind',
    ]);
    expect(names(await listTenants(db, {}, { filters: { q: 'bravo.onmicrosoft' } }))).toEqual(['Bravo']);
    expect(names(await listTenants(db, {}, { filters: { q: '100%' } }))).toEqual(['100% Shop']);
    expect(names(await listTenants(db, {}, { filters: { q: '%' } }))).toEqual(['100% Shop']);
    expect(names(await listTenants(db, {}, { filters: { q: 'a_p' } }))).toEqual([]);
    const bravo = await db.tenant.findUniqueOrThrow({ where: { id: ids.bravo } });
    expect(names(await listTenants(db, {}, { filters: { q: bravo.entraTenantId.toUpperCase() } }))).toEqual(['Bravo']);
  });

  it('shows a scoped user only their tenants, by id, by group, or by any other filter', async () => {
    expect(names(await listTenants(db, { id: { in: [ids.alpha, ids.delta] } }, { filters: {} }))).toEqual([
      'Alpha Northwind',
      'Delta',
    ]);
    expect(names(await listTenants(db, { group: { in: ['A'] } }, { filters: {} }))).toEqual(['Alpha Northwind']);
    expect(
      names(
        await listTenants(
          db,
          { OR: [{ id: { in: [ids.delta] } }, { group: { in: ['B'] } }] },
          { filters: { q: 'northwind' } },
        ),
      ),
    ).toEqual(['Charlie Northwind']);
    expect(await listTenants(db, { id: { in: [] } }, { filters: {} })).toMatchObject({ total: 0, rows: [] });
    expect(names(await listTenants(db, { region: 'UK' }, { filters: {} }))).toEqual(['100% Shop']);
  });
});

describe('the tenants table on the direct pool (ADR 038)', () => {
  it("reads the same rows and total as through Prisma's $queryRaw, past the last page too", async () => {
    const now = new Date();
    const inputs: ListTenantsInput[] = [
      { filters: {}, now, sort: 'connectors', dir: 'desc', page: 1, pageSize: 2 },
      { filters: { q: 'a', access: 'ok' }, now, page: 1, pageSize: 50 },
      { filters: {}, now, page: 9, pageSize: 2 },
    ];
    for (const input of inputs) {
      const direct = await listTenants(db, {}, input);
      const viaPrisma = await db.$transaction((tx) => listTenants(tx as typeof db, {}, input));
      expect(direct).toEqual(viaPrisma);
    }
    expect((await listTenants(db, {}, { filters: {}, page: 1, pageSize: 2 })).rows[0]!.lastScanAt).toSatisfy(
      (d: unknown) => d === null || d instanceof Date,
    );
  });
});
