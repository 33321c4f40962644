/**
 * The numbers on the overview page, scoped to what the principal may see. Connector and tenant
 * counts come from the fleet counts the database keeps exact at every commit
 * (prisma/migrations/20261129170000_fleet_counts: a few hundred rows keyed by region, group,
 * connector type and status), so the page does not aggregate 30,000 connectors per request; the
 * rotation figures are read from the (small, indexed) set of active and recent rotations.
 * A scope that lists tenants by id has no precomputed rows: it aggregates its tenants' connectors
 * directly (`getFleetOverviewFromConnectors`, also the reference the counts are tested against).
 */
import { epochMsSql, jsonRowsSql as jsonRows, Prisma, queryRows, type Db } from '@/lib/db';
import type { FleetFilters } from '@/lib/fleet/fleet-filters';
import { connectorSql, fleetCountSql, tenantSql, type FleetScope } from '@/lib/fleet/fleet-scope';
import { countFor, EXPOSED_SQL, isExposedStatus } from '@/lib/fleet/fleet-figures';
import {
  loadMaxScanAgeHours,
  tenantAccessCounts,
  tenantAccessCountsSql,
  type TenantAccessCounts,
} from '@/lib/fleet/tenant-access';
import { ACTIVE_ROTATION_STATES, CONNECTOR_STATUS_VALUES, type ConnectorStatusValue } from '@/lib/fleet/statuses';
import { callerFleetScope } from '@/lib/fleet/caller-scope';
import type { UseCaseContext } from '@/lib/use-case';

type ActiveState = (typeof ACTIVE_ROTATION_STATES)[number];

export interface FleetOverview {
  tenants: number;
  connectors: number;
  byStatus: Record<ConnectorStatusValue, number>;
  exposedConnectors: number;
  targetedTenantCount: number;
  targetedTenants: { id: string; displayName: string; connectors: number }[];
  rotationsInFlight: Record<ActiveState, number>;
  needsAttention: {
    id: string;
    connectorId: string;
    connectorName: string;
    tenantName: string;
    errorMessage: string | null;
    since: Date;
  }[];
  /** Exposed connectors at the end of each day, oldest first (exposed now + remediations after that day). */
  burnDown: { day: string; exposed: number }[];
  byRegion: { region: string; total: number; exposed: number }[];
  byConnectorType: { id: string; name: string; total: number; exposed: number }[];
  /** Tenants Rekey cannot read now ("No access") or has not read within the policy (lib/fleet/tenant-access.ts). */
  access: TenantAccessCounts & { maxScanAgeHours: number };
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

/** The figures both paths read the same way, as columns of the overview's one statement. */
function sharedFigures(cWhere: Prisma.Sql, tWhere: Prisma.Sql, since: Date, now: Date, maxScanAgeHours: number) {
  const rotations = Prisma.sql`"Rotation" r JOIN "Connector" c ON c.id = r."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"`;
  return Prisma.sql`
    ${jsonRows(
      Prisma.sql`SELECT r.state, count(*)::int AS n FROM ${rotations}
        WHERE r.state IN ('PENDING', 'RUNNING', 'WAITING', 'NEEDS_ATTENTION') AND ${cWhere} GROUP BY r.state`,
      'x.state',
    )} AS "inFlight",
    ${jsonRows(
      Prisma.sql`SELECT r.id, r."connectorId", c."displayName" AS "connectorName", t."displayName" AS "tenantName",
          r."errorMessage", ${epochMsSql('r."createdAt"')} AS "sinceMs"
        FROM ${rotations} WHERE r.state = 'NEEDS_ATTENTION' AND ${cWhere} ORDER BY r."createdAt", r.id LIMIT 8`,
      'x."sinceMs", x.id',
    )} AS attention,
    ${jsonRows(
      Prisma.sql`SELECT to_char(r."finishedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n FROM ${rotations}
        WHERE r.state = 'SUCCEEDED' AND r."finishedAt" >= ${since} AND r."startStatus" IN ${EXPOSED_SQL} AND ${cWhere}
        GROUP BY 1`,
      'x.day',
    )} AS remediation,
    (SELECT row_to_json(a) FROM (${tenantAccessCountsSql(tWhere, now, maxScanAgeHours)}) a) AS access`;
}

interface SharedRow {
  inFlight: { state: ActiveState; n: number }[];
  attention: (Omit<FleetOverview['needsAttention'][number], 'since'> & { sinceMs: number })[];
  remediation: { day: string; n: number }[];
  access: { noAccess: number; notScanned: number; exposed: number } | null;
}

export async function getFleetOverview(
  db: Db,
  scope: FleetScope,
  filters: FleetFilters,
  now: Date,
  days = 30,
): Promise<FleetOverview> {
  const counts = fleetCountSql(scope, filters, true);
  const tenantCounts = fleetCountSql(scope, filters, false);
  if (!counts || !tenantCounts) return getFleetOverviewFromConnectors(db, scope, filters, now, days);
  const cWhere = connectorSql(scope, filters);
  const tWhere = tenantSql(scope, filters);
  const since = new Date(now.getTime() - days * 86_400_000);
  // Targeted connectors per tenant, of the filtered connector type when there is one.
  const targeted = filters.connectorTypeId
    ? Prisma.sql`coalesce((s."byTypeStatus" ->> ${`${filters.connectorTypeId}:targeted`})::int, 0)`
    : Prisma.sql`s.targeted`;

  const maxScanAgeHours = await loadMaxScanAgeHours(db);
  const [row] = await queryRows<
    SharedRow & {
      counts: { region: string; typeId: string; typeName: string; status: ConnectorStatusValue; n: number }[];
      tenants: { region: string; n: number }[];
      targeted: { id: string; displayName: string; connectors: number; total: number }[];
    }
  >(
    db,
    Prisma.sql`SELECT
    ${jsonRows(
      Prisma.sql`SELECT f.region, f."connectorTypeId" AS "typeId", ct.name AS "typeName", f.status, sum(f.connectors)::int AS n
        FROM "FleetConnectorCount" f JOIN "ConnectorType" ct ON ct.id = f."connectorTypeId"
        WHERE ${counts} GROUP BY f.region, f."connectorTypeId", ct.name, f.status HAVING sum(f.connectors) <> 0`,
      'x."typeName", x."typeId", x.region, x.status',
    )} AS counts,
    ${jsonRows(
      Prisma.sql`SELECT f.region, sum(f.tenants)::int AS n FROM "FleetTenantCount" f WHERE ${tenantCounts}
        GROUP BY f.region HAVING sum(f.tenants) <> 0`,
      'x.region',
    )} AS tenants,
    ${jsonRows(
      Prisma.sql`SELECT t.id, t."displayName", ${targeted} AS connectors, count(*) OVER () AS total
        FROM "TenantConnectorSummary" s JOIN "Tenant" t ON t.id = s."tenantId"
        WHERE s.targeted > 0 ${filters.connectorTypeId ? Prisma.sql`AND ${targeted} > 0` : Prisma.empty} AND ${tWhere}
        ORDER BY t."displayName", t.id LIMIT 10`,
      'x."displayName", x.id',
    )} AS targeted,
    ${sharedFigures(cWhere, tWhere, since, now, maxScanAgeHours)}`,
  );
  const r = row!;

  const byStatus = emptyByStatus();
  const regionTotals = new Map<string, { total: number; exposed: number }>();
  const types = new Map<string, { id: string; name: string; total: number; exposed: number }>();
  for (const c of r.counts) {
    const isExposed = isExposedStatus(c.status);
    byStatus[c.status] += c.n;
    const reg = regionTotals.get(c.region) ?? { total: 0, exposed: 0 };
    reg.total += c.n;
    if (isExposed) reg.exposed += c.n;
    regionTotals.set(c.region, reg);
    const ty = types.get(c.typeId) ?? { id: c.typeId, name: c.typeName, total: 0, exposed: 0 };
    ty.total += c.n;
    if (isExposed) ty.exposed += c.n;
    types.set(c.typeId, ty);
  }
  return assemble({
    now,
    days,
    byStatus,
    shared: r,
    tenants: r.tenants.reduce((a, t) => a + t.n, 0),
    targetedRows: r.targeted.map((t) => ({
      id: t.id,
      displayName: t.displayName,
      connectors: n(t.connectors),
      total: t.total,
    })),
    byRegion: r.tenants.map((t) => ({
      region: t.region,
      total: regionTotals.get(t.region)?.total ?? 0,
      exposed: regionTotals.get(t.region)?.exposed ?? 0,
    })),
    byConnectorType: [...types.values()],
    maxScanAgeHours,
  });
}

function emptyByStatus(): Record<ConnectorStatusValue, number> {
  return Object.fromEntries(CONNECTOR_STATUS_VALUES.map((s) => [s, 0])) as Record<ConnectorStatusValue, number>;
}

function assemble(x: {
  now: Date;
  days: number;
  tenants: number;
  byStatus: Record<ConnectorStatusValue, number>;
  targetedRows: { id: string; displayName: string; connectors: number; total: bigint | number }[];
  shared: SharedRow;
  byRegion: FleetOverview['byRegion'];
  byConnectorType: FleetOverview['byConnectorType'];
  maxScanAgeHours: number;
}): FleetOverview {
  const { now, days, byStatus, shared } = x;
  const connectors = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const exposedConnectors = countFor(byStatus, 'exposed');

  const rotationsInFlight = Object.fromEntries(ACTIVE_ROTATION_STATES.map((s) => [s, 0])) as Record<
    ActiveState,
    number
  >;
  for (const r of shared.inFlight) rotationsInFlight[r.state] = n(r.n);

  const remediatedOn = new Map(shared.remediation.map((r) => [r.day, n(r.n)]));
  const burnDown: FleetOverview['burnDown'] = [];
  let remediatedAfter = 0;
  for (let i = 0; i <= days; i++) {
    const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    burnDown.push({ day, exposed: exposedConnectors + remediatedAfter });
    remediatedAfter += remediatedOn.get(day) ?? 0;
  }
  burnDown.reverse();

  return {
    tenants: x.tenants,
    connectors,
    byStatus,
    exposedConnectors,
    targetedTenantCount: n(x.targetedRows[0]?.total),
    targetedTenants: x.targetedRows.map((r) => ({ id: r.id, displayName: r.displayName, connectors: r.connectors })),
    rotationsInFlight,
    needsAttention: shared.attention.map((r) => ({
      id: r.id,
      connectorId: r.connectorId,
      connectorName: r.connectorName,
      tenantName: r.tenantName,
      errorMessage: r.errorMessage,
      since: new Date(r.sinceMs),
    })),
    burnDown,
    byRegion: x.byRegion,
    byConnectorType: x.byConnectorType,
    access: { ...tenantAccessCounts(shared.access), maxScanAgeHours: x.maxScanAgeHours },
  };
}

/** The same figures aggregated from the connectors themselves (scopes listing tenants by id). */
export async function getFleetOverviewFromConnectors(
  db: Db,
  scope: FleetScope,
  filters: FleetFilters,
  now: Date,
  days = 30,
): Promise<FleetOverview> {
  const cWhere = connectorSql(scope, filters);
  const tWhere = tenantSql(scope, filters);
  const exposed = Prisma.sql`c.status IN ${EXPOSED_SQL}`;
  const since = new Date(now.getTime() - days * 86_400_000);

  const maxScanAgeHours = await loadMaxScanAgeHours(db);
  const [row] = await queryRows<
    SharedRow & {
      statuses: { status: ConnectorStatusValue; n: number }[];
      tenants: number;
      targeted: { id: string; displayName: string; connectors: number; total: number }[];
      regions: { region: string; total: number; exposed: number }[];
      types: { id: string; name: string; total: number; exposed: number }[];
    }
  >(
    db,
    Prisma.sql`SELECT
    ${jsonRows(
      Prisma.sql`SELECT c.status, count(*)::int AS n FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId"
        WHERE ${cWhere} GROUP BY c.status`,
      'x.status',
    )} AS statuses,
    (SELECT count(*)::int FROM "Tenant" t WHERE ${tWhere}) AS tenants,
    ${jsonRows(
      Prisma.sql`SELECT t.id, t."displayName", count(*)::int AS connectors, count(*) OVER () AS total
        FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId"
        WHERE ${cWhere} AND c.status = 'targeted'
        GROUP BY t.id, t."displayName" ORDER BY t."displayName", t.id LIMIT 10`,
      'x."displayName", x.id',
    )} AS targeted,
    ${jsonRows(
      Prisma.sql`SELECT t.region, count(c.id)::int AS total, count(c.id) FILTER (WHERE ${exposed})::int AS exposed
        FROM "Tenant" t LEFT JOIN "Connector" c ON c."tenantId" = t.id ${filters.connectorTypeId ? Prisma.sql`AND c."connectorTypeId" = ${filters.connectorTypeId}::uuid` : Prisma.empty}
        WHERE ${tWhere} GROUP BY t.region`,
      'x.region',
    )} AS regions,
    ${jsonRows(
      Prisma.sql`SELECT ct.id, ct.name, count(c.id)::int AS total, count(c.id) FILTER (WHERE ${exposed})::int AS exposed
        FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "ConnectorType" ct ON ct.id = c."connectorTypeId"
        WHERE ${cWhere} GROUP BY ct.id, ct.name`,
      'x.name, x.id',
    )} AS types,
    ${sharedFigures(cWhere, tWhere, since, now, maxScanAgeHours)}`,
  );
  const r = row!;

  const byStatus = emptyByStatus();
  for (const s of r.statuses) byStatus[s.status] = n(s.n);
  return assemble({
    now,
    days,
    byStatus,
    shared: r,
    tenants: n(r.tenants),
    targetedRows: r.targeted,
    byRegion: r.regions,
    byConnectorType: r.types,
    maxScanAgeHours,
  });
}

/** The overview for the caller (lib/use-case.ts) at `ctx.now`: the tenants `ctx.principal` may view. */
export function getFleetOverviewFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal' | 'now'>,
  input: { filters: FleetFilters; days?: number },
): Promise<FleetOverview> {
  return getFleetOverview(ctx.db, callerFleetScope(ctx), input.filters, ctx.now, input.days);
}
