import { z } from 'zod';
import type { Prisma } from '@/lib/db';
import { STATUS_FILTER_VALUES, statusesFor } from '@/lib/fleet/fleet-figures';
import { TENANT_ACCESS_VALUES } from '@/lib/fleet/statuses';

/** Filters shared by the overview, the tenants and connectors tables and campaign selections. */
export const FleetFiltersSchema = z.object({
  region: z.string().trim().min(1).max(64).optional(),
  group: z.string().trim().min(1).max(128).optional(),
  connectorTypeId: z.uuid().optional(),
  /** A stored status or `exposed` (targeted + compromised: lib/fleet/fleet-figures.ts). */
  status: z.enum(STATUS_FILTER_VALUES).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  /** Tenants by access state (lib/fleet/tenant-access.ts); the tenants list applies it. */
  access: z.enum(TENANT_ACCESS_VALUES).optional(),
});
export type FleetFilters = z.infer<typeof FleetFiltersSchema>;

/** Parses URL search params leniently: an invalid filter is dropped, never a 500. */
export function parseFleetFilters(params: Record<string, string | string[] | undefined>): FleetFilters {
  const out: Record<string, string> = {};
  for (const key of ['region', 'group', 'connectorTypeId', 'status', 'q', 'access'] as const) {
    const v = params[key];
    const s = Array.isArray(v) ? v[0] : v;
    if (s) {
      const one = FleetFiltersSchema.shape[key].safeParse(s);
      if (one.success && one.data !== undefined) out[key] = one.data;
    }
  }
  return out as FleetFilters;
}

export function tenantFilterWhere(scope: Prisma.TenantWhereInput, f: FleetFilters): Prisma.TenantWhereInput {
  const and: Prisma.TenantWhereInput[] = [scope];
  if (f.region) and.push({ region: f.region });
  if (f.group) and.push({ group: f.group });
  if (f.q) {
    and.push({
      OR: [
        { displayName: { contains: f.q, mode: 'insensitive' } },
        { defaultDomain: { contains: f.q, mode: 'insensitive' } },
        ...(/^[0-9a-f-]{36}$/i.test(f.q) ? [{ entraTenantId: f.q.toLowerCase() }] : []),
      ],
    });
  }
  return { AND: and };
}

export function connectorFilterWhere(scope: Prisma.TenantWhereInput, f: FleetFilters): Prisma.ConnectorWhereInput {
  const where: Prisma.ConnectorWhereInput = { tenant: tenantFilterWhere(scope, { ...f, q: undefined }) };
  if (f.connectorTypeId) where.connectorTypeId = f.connectorTypeId;
  if (f.status) where.status = { in: statusesFor(f.status) };
  if (f.q) {
    where.OR = [
      { displayName: { contains: f.q, mode: 'insensitive' } },
      { appId: f.q.toLowerCase() },
      { tenant: { displayName: { contains: f.q, mode: 'insensitive' } } },
      { tenant: { defaultDomain: { contains: f.q, mode: 'insensitive' } } },
    ];
  }
  return where;
}
