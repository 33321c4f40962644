import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { getFleetOverview } from '@/lib/fleet/get-fleet-overview';
import { buildCertificate, buildSampleFleet } from '@/lib/testing/fleet-builders';

const now = new Date('2026-11-29T12:00:00Z');
let ids: { archive: string; monitor: string; t1: string; t2: string; t3: string; t2ConnectorCompromised: string };

beforeAll(async () => {
  const { archive, monitor, alpha: t1, bravo: t2, charlie: t3 } = await buildSampleFleet(db);
  // Rotations: one succeeded yesterday remediating a compromised connector (of Charlie's healthy one), one needing attention on Bravo.
  const cert = await buildCertificate(db);
  const yesterday = new Date('2026-11-28T10:00:00Z');
  await db.rotation.create({
    data: {
      connectorId: t3.connectors[0]!.id,
      mode: 'rotate',
      state: 'SUCCEEDED',
      startStatus: 'compromised',
      step: 'done',
      toCertificateId: cert.id,
      finishedAt: yesterday,
    },
  });
  const compromisedBravo = t2.connectors.find((c) => c.status === 'compromised')!;
  await db.rotation.create({
    data: {
      connectorId: compromisedBravo.id,
      mode: 'rotate',
      state: 'NEEDS_ATTENTION',
      step: 'add_new',
      toCertificateId: cert.id,
      errorMessage: 'Throttled too often',
    },
  });
  ids = {
    archive: archive.id,
    monitor: monitor.id,
    t1: t1.id,
    t2: t2.id,
    t3: t3.id,
    t2ConnectorCompromised: compromisedBravo.id,
  };
});

describe('the fleet overview', () => {
  it('counts connectors by status across the whole fleet', async () => {
    const o = await getFleetOverview(db, { all: true }, {}, now);
    expect(o.tenants).toBe(3);
    expect(o.connectors).toBe(7);
    expect(o.byStatus).toEqual({
      targeted: 1,
      compromised: 2,
      expired: 0,
      drift: 1,
      expiring: 1,
      stale: 0,
      healthy: 2,
    });
    expect(o.exposedConnectors).toBe(3);
    expect(o.targetedTenantCount).toBe(1);
    expect(o.targetedTenants).toEqual([{ id: ids.t2, displayName: 'Bravo', connectors: 1 }]);
    expect(o.rotationsInFlight).toEqual({ PENDING: 0, RUNNING: 0, WAITING: 0, NEEDS_ATTENTION: 1 });
    expect(o.needsAttention).toMatchObject([
      { connectorId: ids.t2ConnectorCompromised, tenantName: 'Bravo', errorMessage: 'Throttled too often' },
    ]);
    // The time the rotation has needed attention since, to the millisecond (read as epoch ms).
    const stuck = await db.rotation.findFirstOrThrow({ where: { state: 'NEEDS_ATTENTION' } });
    expect(o.needsAttention[0]!.since).toEqual(stuck.createdAt);
    expect(o.needsAttention[0]!.id).toBe(stuck.id);
  });

  it('counts the tenants Rekey cannot read or has not re-checked, and the exposed connectors last known in them', async () => {
    // Never scanned: all three are "not scanned recently", with all three exposed connectors.
    const before = await getFleetOverview(db, { all: true }, {}, now);
    expect(before.access).toEqual({ noAccess: 0, notScannedRecently: 3, exposedUnreadable: 3, maxScanAgeHours: 24 });
    // Scanned an hour ago, then Bravo's scan refused: Bravo is "no access" with its two exposed connectors.
    const tenants = [ids.t1, ids.t2, ids.t3];
    await db.tenant.updateMany({
      where: { id: { in: tenants } },
      data: { lastScanAt: new Date(now.getTime() - 3_600_000) },
    });
    await db.tenant.update({ where: { id: ids.t2 }, data: { lastScanError: 'Forbidden' } });
    try {
      const after = await getFleetOverview(db, { all: true }, {}, now);
      expect(after.access).toEqual({ noAccess: 1, notScannedRecently: 0, exposedUnreadable: 2, maxScanAgeHours: 24 });
      const scoped = await getFleetOverview(db, { all: false, tenantIds: [ids.t1], groups: [] }, {}, now);
      expect(scoped.access).toMatchObject({ noAccess: 0, notScannedRecently: 0, exposedUnreadable: 0 });
    } finally {
      await db.tenant.updateMany({ where: { id: { in: tenants } }, data: { lastScanAt: null, lastScanError: null } });
    }
  });

  it('breaks totals down by region and connector type', async () => {
    const o = await getFleetOverview(db, { all: true }, {}, now);
    expect(o.byRegion).toEqual([
      { region: 'EU', total: 2, exposed: 1 },
      { region: 'US', total: 5, exposed: 2 },
    ]);
    expect(o.byConnectorType).toEqual([
      { id: ids.archive, name: 'Archive', total: 4, exposed: 3 },
      { id: ids.monitor, name: 'Monitor', total: 3, exposed: 0 },
    ]);
  });

  it('draws the burn-down from remediating rotations: one more exposed connector before yesterday', async () => {
    const o = await getFleetOverview(db, { all: true }, {}, now, 3);
    expect(o.burnDown).toEqual([
      { day: '2026-11-26', exposed: 4 },
      { day: '2026-11-27', exposed: 4 },
      { day: '2026-11-28', exposed: 3 },
      { day: '2026-11-29', exposed: 3 },
    ]);
  });

  it('applies region, group and connector-type filters', async () => {
    expect((await getFleetOverview(db, { all: true }, { region: 'US' }, now)).byStatus).toMatchObject({
      targeted: 1,
      compromised: 1,
      healthy: 1,
      drift: 1,
      expiring: 1,
    });
    expect((await getFleetOverview(db, { all: true }, { group: 'A' }, now)).connectors).toBe(2);
    const byType = await getFleetOverview(db, { all: true }, { connectorTypeId: ids.monitor }, now);
    expect(byType.connectors).toBe(3);
    expect(byType.exposedConnectors).toBe(0);
  });

  it('shows a scoped user only their tenants, by id or by group', async () => {
    const byId = await getFleetOverview(db, { all: false, tenantIds: [ids.t1], groups: [] }, {}, now);
    expect(byId).toMatchObject({
      tenants: 1,
      connectors: 2,
      exposedConnectors: 1,
      targetedTenantCount: 0,
      needsAttention: [],
    });
    const byGroup = await getFleetOverview(db, { all: false, tenantIds: [], groups: ['B'] }, {}, now);
    expect(byGroup).toMatchObject({ tenants: 1, connectors: 3, targetedTenantCount: 1 });
    const nothing = await getFleetOverview(db, { all: false, tenantIds: [], groups: [] }, {}, now);
    expect(nothing).toMatchObject({ tenants: 0, connectors: 0 });
  });
});

describe('the overview on the direct pool (ADR 038)', () => {
  it("reads the same as through Prisma's $queryRaw: whole fleet, filtered and scoped", async () => {
    const cases = [
      { scope: { all: true as const }, filters: {} },
      { scope: { all: true as const }, filters: { region: 'US' } },
      { scope: { all: false as const, tenantIds: [ids.t1], groups: ['B'] }, filters: {} },
    ];
    for (const c of cases) {
      const direct = await getFleetOverview(db, c.scope, c.filters, now, 3);
      // Inside a transaction queryRows takes Prisma's path ($queryRaw on the transaction client).
      const viaPrisma = await db.$transaction((tx) => getFleetOverview(tx as typeof db, c.scope, c.filters, now, 3));
      expect(direct).toEqual(viaPrisma);
      expect(direct.tenants).toBeGreaterThan(0);
    }
  });
});
