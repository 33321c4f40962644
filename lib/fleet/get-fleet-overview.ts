/**
 * The numbers on the overview page, aggregated in PostgreSQL — a handful of GROUP BY queries over
 * indexed columns, never connectors loaded into JavaScript. Scoped to what the principal may see.
 */
import { Prisma, type Db } from '@/lib/db';
import type { FleetFilters } from '@/lib/fleet/fleet-filters';
import { connectorSql, tenantSql, type FleetScope } from '@/lib/fleet/fleet-scope';
import { ACTIVE_ROTATION_STATES, CONNECTOR_STATUS_VALUES, EXPOSED_STATUSES, type ConnectorStatusValue } from '@/lib/fleet/statuses';

type ActiveState = (typeof ACTIVE_ROTATION_STATES)[number];

export interface FleetOverview {
  tenants: number;
  connectors: number;
  byStatus: Record<ConnectorStatusValue, number>;
  exposedConnectors: number;
  targetedTenantCount: number;
  targetedTenants: { id: string; displayName: string; connectors: number }[];
  rotationsInFlight: Record<ActiveState, number>;
  needsAttention: { id: string; connectorId: string; connectorName: string; tenantName: string; errorMessage: string | null; since: Date }[];
  /** Exposed connectors at the end of each day, oldest first (exposed now + remediations after that day). */
  burnDown: { day: string; exposed: number }[];
  byRegion: { region: string; total: number; exposed: number }[];
  byConnectorType: { id: string; name: string; total: number; exposed: number }[];
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

export async function getFleetOverview(db: Db, scope: FleetScope, filters: FleetFilters, now: Date, days = 30): Promise<FleetOverview> {
  const cWhere = connectorSql(scope, filters);
  const tWhere = tenantSql(scope, filters);
  const exposed = Prisma.sql`c.status IN ('targeted', 'compromised')`;
  const since = new Date(now.getTime() - days * 86_400_000);

  const [statusRows, tenantRows, targetedRows, rotationRows, attentionRows, remediationRows, regionRows, typeRows] = await Promise.all([
    db.$queryRaw<{ status: ConnectorStatusValue; n: bigint }[]>`
      SELECT c.status, count(*) AS n FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" WHERE ${cWhere} GROUP BY c.status`,
    db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Tenant" t WHERE ${tWhere}`,
    db.$queryRaw<{ id: string; displayName: string; connectors: bigint; total: bigint }[]>`
      SELECT t.id, t."displayName", count(*) AS connectors, count(*) OVER () AS total
      FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId"
      WHERE ${cWhere} AND c.status = 'targeted'
      GROUP BY t.id, t."displayName" ORDER BY t."displayName" LIMIT 10`,
    db.$queryRaw<{ state: ActiveState; n: bigint }[]>`
      SELECT r.state, count(*) AS n FROM "Rotation" r JOIN "Connector" c ON c.id = r."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
      WHERE r.state IN ('PENDING', 'RUNNING', 'WAITING', 'NEEDS_ATTENTION') AND ${cWhere} GROUP BY r.state`,
    db.$queryRaw<{ id: string; connectorId: string; connectorName: string; tenantName: string; errorMessage: string | null; since: Date }[]>`
      SELECT r.id, r."connectorId", c."displayName" AS "connectorName", t."displayName" AS "tenantName", r."errorMessage", r."createdAt" AS since
      FROM "Rotation" r JOIN "Connector" c ON c.id = r."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
      WHERE r.state = 'NEEDS_ATTENTION' AND ${cWhere} ORDER BY r."createdAt" LIMIT 8`,
    db.$queryRaw<{ day: string; n: bigint }[]>`
      SELECT to_char(r."finishedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n
      FROM "Rotation" r JOIN "Connector" c ON c.id = r."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
      WHERE r.state = 'SUCCEEDED' AND r."finishedAt" >= ${since} AND r."startStatus" IN ('targeted', 'compromised') AND ${cWhere}
      GROUP BY 1`,
    db.$queryRaw<{ region: string; total: bigint; exposed: bigint }[]>`
      SELECT t.region, count(c.id) AS total, count(c.id) FILTER (WHERE ${exposed}) AS exposed
      FROM "Tenant" t LEFT JOIN "Connector" c ON c."tenantId" = t.id ${filters.connectorTypeId ? Prisma.sql`AND c."connectorTypeId" = ${filters.connectorTypeId}::uuid` : Prisma.empty}
      WHERE ${tWhere} GROUP BY t.region ORDER BY t.region`,
    db.$queryRaw<{ id: string; name: string; total: bigint; exposed: bigint }[]>`
      SELECT ct.id, ct.name, count(c.id) AS total, count(c.id) FILTER (WHERE ${exposed}) AS exposed
      FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "ConnectorType" ct ON ct.id = c."connectorTypeId"
      WHERE ${cWhere} GROUP BY ct.id, ct.name ORDER BY ct.name`,
  ]);

  const byStatus = Object.fromEntries(CONNECTOR_STATUS_VALUES.map((s) => [s, 0])) as Record<ConnectorStatusValue, number>;
  for (const r of statusRows) byStatus[r.status] = n(r.n);
  const connectors = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const exposedConnectors = EXPOSED_STATUSES.reduce((a, s) => a + byStatus[s], 0);

  const rotationsInFlight = Object.fromEntries(ACTIVE_ROTATION_STATES.map((s) => [s, 0])) as Record<ActiveState, number>;
  for (const r of rotationRows) rotationsInFlight[r.state] = n(r.n);

  const remediatedOn = new Map(remediationRows.map((r) => [r.day, n(r.n)]));
  const burnDown: FleetOverview['burnDown'] = [];
  let remediatedAfter = 0;
  for (let i = 0; i <= days; i++) {
    const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    burnDown.push({ day, exposed: exposedConnectors + remediatedAfter });
    remediatedAfter += remediatedOn.get(day) ?? 0;
  }
  burnDown.reverse();

  return {
    tenants: n(tenantRows[0]?.n),
    connectors,
    byStatus,
    exposedConnectors,
    targetedTenantCount: n(targetedRows[0]?.total),
    targetedTenants: targetedRows.map((r) => ({ id: r.id, displayName: r.displayName, connectors: n(r.connectors) })),
    rotationsInFlight,
    needsAttention: attentionRows,
    burnDown,
    byRegion: regionRows.map((r) => ({ region: r.region, total: n(r.total), exposed: n(r.exposed) })),
    byConnectorType: typeRows.map((r) => ({ id: r.id, name: r.name, total: n(r.total), exposed: n(r.exposed) })),
  };
}
