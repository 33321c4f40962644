/**
 * The role check every `(ctx, input)` read and write starts with: a signed-in principal below `min`
 * (in every scope) is refused; a trusted caller without a principal (the CLI on the server, jobs)
 * passes. Tenant scope is the use case's own second check (lib/fleet/caller-scope.ts,
 * lib/auth/tenant-access.ts, lib/campaigns/campaign-access.ts).
 */
import { hasRole, roleLabel, type Role } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';
import type { UseCaseContext } from '@/lib/use-case';

/** FORBIDDEN naming `what` when the caller's principal holds no `min` role anywhere. */
export function requireCallerRole(ctx: Pick<UseCaseContext, 'principal'>, min: Role, what: string): void {
  if (ctx.principal && !hasRole(ctx.principal, min))
    throw new RekeyError('FORBIDDEN', `${what} needs the ${roleLabel(min)} role.`, { need: min });
}
