/**
 * The tenants table: server-side search, filter, sort and pagination, scoped to the principal.
 * One query per page (rows + total): connector counts and the worst status come from
 * TenantConnectorSummary, which the database keeps exact at every commit
 * (prisma/migrations/20261129170000_fleet_counts), so sorting by connectors does not count every
 * tenant's connectors per request.
 */
import { Prisma, queryRows, type Db } from '@/lib/db';
import type { FleetFilters } from '@/lib/fleet/fleet-filters';
import { resolveFleetScope, tenantSql } from '@/lib/fleet/fleet-scope';
import { summaryCountSql } from '@/lib/fleet/fleet-figures';
import { loadMaxScanAgeHours, tenantAccess, tenantAccessSql, type TenantAccess } from '@/lib/fleet/tenant-access';
import { CONNECTOR_STATUS_VALUES, type ConnectorStatusValue } from '@/lib/fleet/statuses';
import { callerTenantWhere } from '@/lib/fleet/caller-scope';
import type { UseCaseContext } from '@/lib/use-case';

export const TENANT_SORTS = ['name', 'region', 'consent', 'lastScan', 'connectors'] as const;
export type TenantSort = (typeof TENANT_SORTS)[number];

export interface ListTenantsInput {
  filters: FleetFilters;
  /** For access states; default new Date(). */
  now?: Date;
  sort?: TenantSort;
  dir?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export interface TenantRow {
  id: string;
  entraTenantId: string;
  displayName: string;
  defaultDomain: string | null;
  region: string;
  group: string | null;
  consentState: string;
  signInLogState: string;
  lastScanAt: Date | null;
  lastScanError: string | null;
  /** Whether Rekey can read the tenant now, and why not (lib/fleet/tenant-access.ts). */
  access: TenantAccess;
  accessReason: string | null;
  connectors: number;
  statusCounts: Partial<Record<ConnectorStatusValue, number>>;
  worstStatus: ConnectorStatusValue | null;
}

const ASC = Prisma.sql`ASC`;
const DESC = Prisma.sql`DESC`;

function orderBy(sort: TenantSort, dir: 'asc' | 'desc'): Prisma.Sql {
  const d = dir === 'desc' ? DESC : ASC;
  switch (sort) {
    case 'region':
      return Prisma.sql`t.region ${d}, t."displayName" ASC, t.id ASC`;
    case 'consent':
      return Prisma.sql`t."consentState" ${d}, t."displayName" ASC, t.id ASC`;
    case 'lastScan':
      return Prisma.sql`t."lastScanAt" ${d} NULLS LAST, t."displayName" ASC, t.id ASC`;
    case 'connectors':
      return Prisma.sql`coalesce(s.connectors, 0) ${d}, t."displayName" ASC, t.id ASC`;
    default:
      return Prisma.sql`t."displayName" ${d}, t.id ASC`;
  }
}

/** `q` as a LIKE pattern matching it anywhere, its wildcards taken literally. */
const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Row = Omit<TenantRow, 'connectors' | 'statusCounts' | 'worstStatus' | 'access' | 'accessReason'> & {
  consentDetail: string | null;
  connectors: number | null;
  total: bigint;
} & Partial<Record<ConnectorStatusValue, number | null>>;

export async function listTenants(
  db: Db,
  scope: Prisma.TenantWhereInput,
  input: ListTenantsInput,
): Promise<{ rows: TenantRow[]; total: number; page: number; pageSize: number }> {
  const pageSize = Math.min(Math.max(input.pageSize ?? 50, 1), 200);
  const page = Math.max(input.page ?? 1, 1);
  const filters = input.filters;
  const now = input.now ?? new Date();
  const maxScanAgeHours = await loadMaxScanAgeHours(db);
  const where: Prisma.Sql[] = [tenantSql(await resolveFleetScope(db, scope), filters)];
  if (filters.q) {
    const like = containsPattern(filters.q);
    where.push(
      Prisma.sql`(t."displayName" ILIKE ${like} OR t."defaultDomain" ILIKE ${like}${/^[0-9a-f-]{36}$/i.test(filters.q) ? Prisma.sql` OR t."entraTenantId" = ${filters.q.toLowerCase()}::uuid` : Prisma.empty})`,
    );
  }
  if (filters.access) where.push(Prisma.sql`${tenantAccessSql(now, maxScanAgeHours)} = ${filters.access}`);
  if (filters.status) where.push(Prisma.sql`(${summaryCountSql(filters.status)}) > 0`);
  if (filters.connectorTypeId)
    where.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "Connector" c WHERE c."tenantId" = t.id AND c."connectorTypeId" = ${filters.connectorTypeId}::uuid)`,
    );
  const cond = Prisma.join(where, ' AND ');
  const rows = await queryRows<Row>(
    db,
    Prisma.sql`
    SELECT t.id, t."entraTenantId", t."displayName", t."defaultDomain", t.region, t."group", t."consentState", t."signInLogState", t."lastScanAt",
           t."lastScanError", t."consentDetail",
           s.connectors, s.targeted, s.compromised, s.expired, s.drift, s.expiring, s.stale, s.healthy, count(*) OVER () AS total
    FROM "Tenant" t LEFT JOIN "TenantConnectorSummary" s ON s."tenantId" = t.id
    WHERE ${cond}
    ORDER BY ${orderBy(input.sort ?? 'name', input.dir ?? 'asc')}
    LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
  );
  // Past the last page there is no row to carry the total: count separately.
  const total = rows.length
    ? Number(rows[0]!.total)
    : page > 1
      ? Number(
          (
            await queryRows<{ n: bigint }>(
              db,
              Prisma.sql`SELECT count(*) AS n FROM "Tenant" t LEFT JOIN "TenantConnectorSummary" s ON s."tenantId" = t.id WHERE ${cond}`,
            )
          )[0]?.n ?? 0,
        )
      : 0;
  return {
    rows: rows.map((t) => {
      const statusCounts: Partial<Record<ConnectorStatusValue, number>> = {};
      for (const st of CONNECTOR_STATUS_VALUES) if ((t[st] ?? 0) > 0) statusCounts[st] = t[st]!;
      return {
        id: t.id,
        entraTenantId: t.entraTenantId,
        displayName: t.displayName,
        defaultDomain: t.defaultDomain,
        region: t.region,
        group: t.group,
        consentState: t.consentState,
        signInLogState: t.signInLogState,
        lastScanAt: t.lastScanAt,
        lastScanError: t.lastScanError,
        ...(({ access, reason }) => ({ access, accessReason: reason }))(tenantAccess(t, now, maxScanAgeHours)),
        connectors: t.connectors ?? 0,
        statusCounts,
        worstStatus: CONNECTOR_STATUS_VALUES.find((st) => (statusCounts[st] ?? 0) > 0) ?? null,
      };
    }),
    total,
    page,
    pageSize,
  };
}

/** The tenants list for the caller (lib/use-case.ts): scoped to the tenants `ctx.principal` may view. */
export function listTenantsFor(ctx: Pick<UseCaseContext, 'db' | 'principal'>, input: ListTenantsInput) {
  return listTenants(ctx.db, callerTenantWhere(ctx), input);
}
