/** Values for the fleet filter selects (regions, groups, connector types) within the principal's scope. */
import { Prisma, queryRows, type Db } from '@/lib/db';
import type { Role } from '@/lib/auth/principal';
import { callerTenantWhere } from '@/lib/fleet/caller-scope';
import type { UseCaseContext } from '@/lib/use-case';

export async function listFilterOptions(db: Db, scope: Prisma.TenantWhereInput) {
  // Fleet-wide (`{}`): the regions and groups from the tenant counts the database keeps
  // (FleetTenantCount, one row per region and group) instead of two scans of every tenant.
  const fleetWide = Object.keys(scope).length === 0;
  const [regions, groups, types] = await Promise.all([
    fleetWide
      ? queryRows<{ region: string }>(
          db,
          Prisma.sql`SELECT region FROM "FleetTenantCount" GROUP BY region HAVING sum(tenants) > 0 ORDER BY region`,
        )
      : db.tenant.groupBy({ by: ['region'], where: scope, orderBy: { region: 'asc' } }),
    fleetWide
      ? queryRows<{ group: string }>(
          db,
          Prisma.sql`SELECT "group" FROM "FleetTenantCount" WHERE "group" IS NOT NULL GROUP BY "group" HAVING sum(tenants) > 0 ORDER BY "group"`,
        )
      : db.tenant.groupBy({
          by: ['group'],
          where: { AND: [scope, { group: { not: null } }] },
          orderBy: { group: 'asc' },
        }),
    queryRows<{ id: string; name: string }>(db, Prisma.sql`SELECT id, name FROM "ConnectorType" ORDER BY name`),
  ]);
  return {
    regions: regions.map((r) => r.region),
    groups: groups.map((g) => g.group).filter((g): g is string => g !== null),
    connectorTypes: types,
  };
}

/** The filter choices (regions, groups, connector types) of the tenants the caller may see at `min`. */
export function listFilterOptionsFor(ctx: Pick<UseCaseContext, 'db' | 'principal'>, input: { min?: Role } = {}) {
  return listFilterOptions(ctx.db, callerTenantWhere(ctx, input.min ?? 'viewer'));
}
