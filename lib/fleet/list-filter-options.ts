/** Values for the fleet filter selects (regions, groups, connector types) within the principal's scope. */
import { Prisma, queryRows, type Db } from '@/lib/db';
import type { Role } from '@/lib/auth/principal';
import { callerTenantWhere } from '@/lib/fleet/caller-scope';
import type { UseCaseContext } from '@/lib/use-case';

export interface FilterOptions {
  regions: string[];
  groups: string[];
  connectorTypes: { id: string; name: string }[];
}

export async function listFilterOptions(db: Db, scope: Prisma.TenantWhereInput): Promise<FilterOptions> {
  const types = Prisma.sql`(SELECT coalesce(json_agg(json_build_object('id', ct.id, 'name', ct.name) ORDER BY ct.name, ct.id), '[]'::json)
    FROM "ConnectorType" ct)`;
  if (Object.keys(scope).length === 0) {
    // Fleet-wide: the regions and groups from the tenant counts the database keeps (FleetTenantCount,
    // one row per region and group) instead of two scans of every tenant, and all three in one
    // statement (every fleet page reads them; each statement is a round trip).
    const [row] = await queryRows<FilterOptions>(
      db,
      Prisma.sql`SELECT
        (SELECT coalesce(json_agg(r.region ORDER BY r.region), '[]'::json)
           FROM (SELECT region FROM "FleetTenantCount" GROUP BY region HAVING sum(tenants) > 0) r) AS regions,
        (SELECT coalesce(json_agg(g."group" ORDER BY g."group"), '[]'::json)
           FROM (SELECT "group" FROM "FleetTenantCount" WHERE "group" IS NOT NULL GROUP BY "group" HAVING sum(tenants) > 0) g) AS groups,
        ${types} AS "connectorTypes"`,
    );
    return row!;
  }
  const [regions, groups, [typeRow]] = await Promise.all([
    db.tenant.groupBy({ by: ['region'], where: scope, orderBy: { region: 'asc' } }),
    db.tenant.groupBy({
      by: ['group'],
      where: { AND: [scope, { group: { not: null } }] },
      orderBy: { group: 'asc' },
    }),
    queryRows<{ types: FilterOptions['connectorTypes'] }>(db, Prisma.sql`SELECT ${types} AS types`),
  ]);
  return {
    regions: regions.map((r) => r.region),
    groups: groups.map((g) => g.group).filter((g): g is string => g !== null),
    connectorTypes: typeRow!.types,
  };
}

/** The filter choices (regions, groups, connector types) of the tenants the caller may see at `min`. */
export function listFilterOptionsFor(ctx: Pick<UseCaseContext, 'db' | 'principal'>, input: { min?: Role } = {}) {
  return listFilterOptions(ctx.db, callerTenantWhere(ctx, input.min ?? 'viewer'));
}
