/**
 * The tenants table: server-side search, filter, sort and pagination, scoped to the principal.
 * One page query + one GROUP BY for the page's status summary, whatever the fleet size.
 */
import type { Db, Prisma } from '@/lib/db';
import { tenantFilterWhere, type FleetFilters } from '@/lib/fleet/fleet-filters';
import { CONNECTOR_STATUS_VALUES, type ConnectorStatusValue } from '@/lib/fleet/statuses';

export const TENANT_SORTS = ['name', 'region', 'consent', 'lastScan', 'connectors'] as const;
export type TenantSort = (typeof TENANT_SORTS)[number];

export interface ListTenantsInput {
  filters: FleetFilters;
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
  connectors: number;
  statusCounts: Partial<Record<ConnectorStatusValue, number>>;
  worstStatus: ConnectorStatusValue | null;
}

function orderBy(sort: TenantSort, dir: 'asc' | 'desc'): Prisma.TenantOrderByWithRelationInput[] {
  switch (sort) {
    case 'region': return [{ region: dir }, { displayName: 'asc' }];
    case 'consent': return [{ consentState: dir }, { displayName: 'asc' }];
    case 'lastScan': return [{ lastScanAt: { sort: dir, nulls: 'last' } }, { displayName: 'asc' }];
    case 'connectors': return [{ connectors: { _count: dir } }, { displayName: 'asc' }];
    default: return [{ displayName: dir }, { id: 'asc' }];
  }
}

export async function listTenants(db: Db, scope: Prisma.TenantWhereInput, input: ListTenantsInput): Promise<{ rows: TenantRow[]; total: number; page: number; pageSize: number }> {
  const pageSize = Math.min(Math.max(input.pageSize ?? 50, 1), 200);
  const page = Math.max(input.page ?? 1, 1);
  const filters = input.filters;
  const where: Prisma.TenantWhereInput = { AND: [tenantFilterWhere(scope, filters), ...(filters.status ? [{ connectors: { some: { status: filters.status } } }] : []), ...(filters.connectorTypeId ? [{ connectors: { some: { connectorTypeId: filters.connectorTypeId } } }] : [])] };
  const [total, tenants] = await Promise.all([
    db.tenant.count({ where }),
    db.tenant.findMany({
      where,
      orderBy: orderBy(input.sort ?? 'name', input.dir ?? 'asc'),
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: { id: true, entraTenantId: true, displayName: true, defaultDomain: true, region: true, group: true, consentState: true, signInLogState: true, lastScanAt: true, _count: { select: { connectors: true } } },
    }),
  ]);
  const counts = tenants.length
    ? await db.connector.groupBy({ by: ['tenantId', 'status'], where: { tenantId: { in: tenants.map((t) => t.id) } }, _count: { _all: true } })
    : [];
  const byTenant = new Map<string, Partial<Record<ConnectorStatusValue, number>>>();
  for (const c of counts) {
    const m = byTenant.get(c.tenantId) ?? {};
    m[c.status as ConnectorStatusValue] = c._count._all;
    byTenant.set(c.tenantId, m);
  }
  const rows = tenants.map((t) => {
    const statusCounts = byTenant.get(t.id) ?? {};
    return {
      id: t.id, entraTenantId: t.entraTenantId, displayName: t.displayName, defaultDomain: t.defaultDomain, region: t.region, group: t.group,
      consentState: t.consentState, signInLogState: t.signInLogState, lastScanAt: t.lastScanAt, connectors: t._count.connectors, statusCounts,
      worstStatus: CONNECTOR_STATUS_VALUES.find((s) => (statusCounts[s] ?? 0) > 0) ?? null,
    };
  });
  return { rows, total, page, pageSize };
}
