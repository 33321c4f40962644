/**
 * The principal's tenant scope as SQL, for aggregate queries that run as raw SQL (the overview).
 * Mirrors lib/auth/principal.ts `tenantScopeWhere` (same rules; tested side by side).
 */
import { Prisma } from '@/lib/db';
import { isFleetWide, type Principal, type Role } from '@/lib/auth/principal';
import type { FleetFilters } from '@/lib/fleet/fleet-filters';

export type FleetScope = { all: true } | { all: false; tenantIds: string[]; groups: string[] };

export function fleetScopeFor(p: Principal | null, min: Role): FleetScope {
  if (!p) return { all: false, tenantIds: [], groups: [] };
  if (isFleetWide(p, min)) return { all: true };
  const rank = { viewer: 1, operator: 2, admin: 3 } as const;
  const grants = p.roles.filter((g) => rank[g.role === 'admin' && !g.allTenants ? 'operator' : g.role] >= rank[min]);
  return {
    all: false,
    tenantIds: [...new Set(grants.flatMap((g) => g.tenantIds))],
    groups: [...new Set(grants.flatMap((g) => g.groups))],
  };
}

/** SQL condition on alias `t` (Tenant) for scope and tenant-level filters. */
export function tenantSql(scope: FleetScope, f: FleetFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (!scope.all) {
    const or: Prisma.Sql[] = [];
    if (scope.tenantIds.length) or.push(Prisma.sql`t.id = ANY(${scope.tenantIds}::uuid[])`);
    if (scope.groups.length) or.push(Prisma.sql`t."group" = ANY(${scope.groups}::text[])`);
    parts.push(or.length ? Prisma.sql`(${Prisma.join(or, ' OR ')})` : Prisma.sql`FALSE`);
  }
  if (f.region) parts.push(Prisma.sql`t.region = ${f.region}`);
  if (f.group) parts.push(Prisma.sql`t."group" = ${f.group}`);
  return parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`;
}

/** SQL condition on aliases `c` (Connector) and `t` (Tenant). */
export function connectorSql(scope: FleetScope, f: FleetFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [tenantSql(scope, f)];
  if (f.connectorTypeId) parts.push(Prisma.sql`c."connectorTypeId" = ${f.connectorTypeId}::uuid`);
  return Prisma.join(parts, ' AND ');
}
