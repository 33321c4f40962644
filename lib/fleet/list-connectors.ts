/** The connectors table: server-side search, filter, sort and pagination, scoped to the principal. */
import type { Db, Prisma } from '@/lib/db';
import { connectorFilterWhere, type FleetFilters } from '@/lib/fleet/fleet-filters';
import { ACTIVE_ROTATION_STATES } from '@/lib/fleet/statuses';
import { callerTenantWhere } from '@/lib/fleet/caller-scope';
import type { UseCaseContext } from '@/lib/use-case';

export const CONNECTOR_SORTS = ['tenant', 'name', 'status', 'expires', 'type'] as const;
export type ConnectorSort = (typeof CONNECTOR_SORTS)[number];

export interface ListConnectorsInput {
  filters: FleetFilters;
  sort?: ConnectorSort;
  dir?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

function orderBy(sort: ConnectorSort, dir: 'asc' | 'desc'): Prisma.ConnectorOrderByWithRelationInput[] {
  switch (sort) {
    case 'name':
      return [{ displayName: dir }, { id: 'asc' }];
    // The enum is declared most severe first, so this sorts by severity.
    case 'status':
      return [{ status: dir }, { id: 'asc' }];
    case 'expires':
      return [{ currentCertificate: { notAfter: dir } }, { id: 'asc' }];
    case 'type':
      return [{ connectorType: { name: dir } }, { id: 'asc' }];
    default:
      return [{ tenant: { displayName: dir } }, { displayName: 'asc' }, { id: 'asc' }];
  }
}

export async function listConnectors(db: Db, scope: Prisma.TenantWhereInput, input: ListConnectorsInput) {
  const pageSize = Math.min(Math.max(input.pageSize ?? 50, 1), 200);
  const page = Math.max(input.page ?? 1, 1);
  const where = connectorFilterWhere(scope, input.filters);
  const [total, rows] = await Promise.all([
    db.connector.count({ where }),
    db.connector.findMany({
      where,
      orderBy: orderBy(input.sort ?? 'tenant', input.dir ?? 'asc'),
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        displayName: true,
        appId: true,
        status: true,
        statusReasons: true,
        observedAt: true,
        tenant: { select: { id: true, displayName: true, region: true, entraTenantId: true } },
        connectorType: { select: { id: true, name: true } },
        currentCertificate: { select: { id: true, sha1Thumbprint: true, notAfter: true, subject: true } },
        rotations: {
          where: { state: { in: [...ACTIVE_ROTATION_STATES] } },
          select: { id: true, state: true },
          take: 1,
        },
      },
    }),
  ]);
  return { rows, total, page, pageSize };
}

/** The connectors list for the caller (lib/use-case.ts): scoped to the tenants `ctx.principal` may view. */
export function listConnectorsFor(ctx: Pick<UseCaseContext, 'db' | 'principal'>, input: ListConnectorsInput) {
  return listConnectors(ctx.db, callerTenantWhere(ctx), input);
}
