/**
 * Who is signed in and what they may touch: pure helpers over a loaded `Principal` (no db, no
 * next, no clock). Role order: viewer < operator < admin.
 *
 * Scope rules (tested in principal.test.ts):
 * - An assignment with `allTenants` covers every tenant; otherwise it covers the tenants listed
 *   in `tenantIds` plus every tenant whose `group` is in `groups`. Nothing listed → nothing.
 * - `admin` counts only when fleet-wide (`allTenants`): a scoped admin could otherwise manage
 *   users and widen their own scope. A scoped admin assignment acts as a scoped operator.
 *   (Granting one is refused anyway: see lib/auth/manage-users.ts.)
 */
import type { Prisma } from '@/generated/prisma/client';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface RoleGrant {
  role: Role;
  allTenants: boolean;
  tenantIds: string[];
  groups: string[];
}

export interface Principal {
  userId: string;
  email: string;
  name: string;
  roles: RoleGrant[];
}

export interface TenantRef {
  id: string;
  group: string | null;
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function roleAtLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

/** The role an assignment really grants (a scoped admin grant acts as operator). */
function grantedRole(g: RoleGrant): Role {
  return g.role === 'admin' && !g.allTenants ? 'operator' : g.role;
}

function grantsAtLeast(p: Principal, min: Role): RoleGrant[] {
  return p.roles.filter((g) => roleAtLeast(grantedRole(g), min));
}

function covers(g: RoleGrant, tenant: TenantRef): boolean {
  if (g.allTenants) return true;
  if (g.tenantIds.includes(tenant.id)) return true;
  return tenant.group !== null && g.groups.includes(tenant.group);
}

/** True when any assignment reaches `min` (in some scope). Use for "may open this page at all". */
export function hasRole(p: Principal | null, min: Role): boolean {
  return p !== null && grantsAtLeast(p, min).length > 0;
}

/**
 * The highest role the principal holds: overall, or for one tenant when `tenant` is given.
 * Null when none (a signed-in user without any assignment).
 */
export function effectiveRole(p: Principal | null, tenant?: TenantRef): Role | null {
  if (!p) return null;
  let best: Role | null = null;
  for (const g of p.roles) {
    if (tenant && !covers(g, tenant)) continue;
    const r = grantedRole(g);
    if (best === null || RANK[r] > RANK[best]) best = r;
  }
  return best;
}

/** True when some assignment of at least `min` covers every tenant. */
export function isFleetWide(p: Principal | null, min: Role): boolean {
  return p !== null && grantsAtLeast(p, min).some((g) => g.allTenants);
}

export function canAccessTenant(p: Principal | null, tenant: TenantRef, min: Role): boolean {
  return p !== null && grantsAtLeast(p, min).some((g) => covers(g, tenant));
}

/** A Prisma filter matching no row (Prisma has no literal `false`). */
const NOTHING: Prisma.TenantWhereInput = { id: { in: [] } };

/**
 * The tenants `p` may see/act on with at least `min`, as a Prisma filter. Compose it into every
 * tenant-owned query: `where: { AND: [tenantScopeWhere(p, 'viewer'), userFilter] }`, or for
 * connectors `where: { tenant: tenantScopeWhere(p, 'operator') }`.
 */
export function tenantScopeWhere(p: Principal | null, min: Role): Prisma.TenantWhereInput {
  if (!p) return NOTHING;
  const grants = grantsAtLeast(p, min);
  if (grants.some((g) => g.allTenants)) return {};
  const ids = [...new Set(grants.flatMap((g) => g.tenantIds))].sort();
  const groups = [...new Set(grants.flatMap((g) => g.groups))].sort();
  const or: Prisma.TenantWhereInput[] = [];
  if (ids.length > 0) or.push({ id: { in: ids } });
  if (groups.length > 0) or.push({ group: { in: groups } });
  if (or.length === 0) return NOTHING;
  return or.length === 1 ? or[0]! : { OR: or };
}

/** The minimum role a label describes, for the 403 page and error messages. */
export function roleLabel(role: Role): string {
  return role === 'admin' ? 'Admin' : role === 'operator' ? 'Operator' : 'Viewer';
}
