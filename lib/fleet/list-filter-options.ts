/** Values for the fleet filter selects (regions, groups, connector types) within the principal's scope. */
import type { Db, Prisma } from '@/lib/db';

export async function listFilterOptions(db: Db, scope: Prisma.TenantWhereInput) {
  const [regions, groups, types] = await Promise.all([
    db.tenant.groupBy({ by: ['region'], where: scope, orderBy: { region: 'asc' } }),
    db.tenant.groupBy({ by: ['group'], where: { AND: [scope, { group: { not: null } }] }, orderBy: { group: 'asc' } }),
    db.connectorType.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }),
  ]);
  return {
    regions: regions.map((r) => r.region),
    groups: groups.map((g) => g.group).filter((g): g is string => g !== null),
    connectorTypes: types,
  };
}
