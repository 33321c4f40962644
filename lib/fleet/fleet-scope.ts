/**
 * The principal's tenant scope as SQL, for aggregate queries that run as raw SQL (the overview).
 * Mirrors lib/auth/principal.ts `tenantScopeWhere` (same rules; tested side by side).
 */
import { Prisma, type Db } from '@/lib/db';
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

/**
 * The FleetScope a `tenantScopeWhere` filter (lib/auth/principal.ts) stands for, so the SQL pages
 * can take the filter the pages already pass: `{}` is every tenant, otherwise tenant ids and/or
 * groups. Null for any other shape (the caller then resolves the filter with Prisma instead).
 */
export function fleetScopeFromTenantWhere(where: Prisma.TenantWhereInput): FleetScope | null {
  const keys = Object.keys(where);
  if (keys.length === 0) return { all: true };
  const tenantIds: string[] = [];
  const groups: string[] = [];
  const one = (w: Prisma.TenantWhereInput): boolean => {
    const k = Object.keys(w);
    if (k.length !== 1) return false;
    const id = w.id;
    const group = w.group;
    if (k[0] === 'id' && id && typeof id === 'object' && Object.keys(id).length === 1 && Array.isArray(id.in)) {
      tenantIds.push(...id.in);
      return true;
    }
    if (
      k[0] === 'group' &&
      group &&
      typeof group === 'object' &&
      Object.keys(group).length === 1 &&
      Array.isArray(group.in)
    ) {
      groups.push(...group.in);
      return true;
    }
    return false;
  };
  if (keys.length === 1 && Array.isArray(where.OR)) {
    if (!where.OR.every(one)) return null;
  } else if (!one(where)) return null;
  return { all: false, tenantIds: [...new Set(tenantIds)], groups: [...new Set(groups)] };
}

/** Resolves any tenant filter to a FleetScope: the known shapes directly, anything else by listing the ids it matches. */
export async function resolveFleetScope(db: Pick<Db, 'tenant'>, where: Prisma.TenantWhereInput): Promise<FleetScope> {
  const known = fleetScopeFromTenantWhere(where);
  if (known) return known;
  const rows = await db.tenant.findMany({ where, select: { id: true } });
  return { all: false, tenantIds: rows.map((r) => r.id), groups: [] };
}

/**
 * The scope + tenant-level filters as a condition on the precomputed fleet counts
 * (FleetConnectorCount / FleetTenantCount, alias `f`, keyed by region and group), or null when the
 * scope lists tenants by id (the counts are not kept per tenant list: use the tenant-level path).
 */
export function fleetCountSql(scope: FleetScope, f: FleetFilters, withType: boolean): Prisma.Sql | null {
  if (!scope.all && scope.tenantIds.length > 0) return null;
  const parts: Prisma.Sql[] = [];
  if (!scope.all)
    parts.push(scope.groups.length ? Prisma.sql`f."group" = ANY(${scope.groups}::text[])` : Prisma.sql`FALSE`);
  if (f.region) parts.push(Prisma.sql`f.region = ${f.region}`);
  if (f.group) parts.push(Prisma.sql`f."group" = ${f.group}`);
  if (withType && f.connectorTypeId) parts.push(Prisma.sql`f."connectorTypeId" = ${f.connectorTypeId}::uuid`);
  return parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`;
}
