/**
 * The tenants a use case's caller may see, from its context: the signed-in principal's grants at
 * `min`, or the whole fleet for a trusted caller without one (the CLI on the server, jobs). The
 * `(ctx, input)` entry points of the fleet and report reads scope with these, so a page never
 * builds a scope itself.
 */
import { tenantScopeWhere, type Role } from '@/lib/auth/principal';
import type { Prisma } from '@/lib/db';
import { fleetScopeFor, type FleetScope } from '@/lib/fleet/fleet-scope';
import type { UseCaseContext } from '@/lib/use-case';

export function callerFleetScope(ctx: Pick<UseCaseContext, 'principal'>, min: Role = 'viewer'): FleetScope {
  return ctx.principal ? fleetScopeFor(ctx.principal, min) : { all: true };
}

export function callerTenantWhere(
  ctx: Pick<UseCaseContext, 'principal'>,
  min: Role = 'viewer',
): Prisma.TenantWhereInput {
  return ctx.principal ? tenantScopeWhere(ctx.principal, min) : {};
}
