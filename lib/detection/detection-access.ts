/**
 * Who may do what in detection. Advisories and fleet-wide scans re-classify connectors in every
 * tenant, so they need a fleet-wide role; per-tenant actions check the tenant's scope.
 * `'system'` is a trusted caller without a signed-in user (the CLI on the server, jobs).
 */
import { canAccessTenant, isFleetWide, roleLabel, type Role } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';

export type { Caller } from '@/lib/use-case';
import type { Caller } from '@/lib/use-case';

export function requireFleetWide(caller: Caller, min: Role, what: string): void {
  if (caller === 'system') return;
  if (!isFleetWide(caller, min))
    throw new RekeyError('FORBIDDEN', `${what} needs the ${roleLabel(min)} role for the whole fleet.`, { need: min });
}

/** A tenant the caller may see (viewer) or act on; outside the scope it is NOT_FOUND, like a missing id. */
export function requireTenantVisible(
  caller: Caller,
  tenant: { id: string; group: string | null; displayName: string },
  min: Role,
  what: string,
): void {
  if (caller === 'system') return;
  if (!canAccessTenant(caller, tenant, 'viewer')) throw new RekeyError('NOT_FOUND', `${what} not found.`);
  if (!canAccessTenant(caller, tenant, min))
    throw new RekeyError('FORBIDDEN', `This needs the ${roleLabel(min)} role for tenant ${tenant.displayName}.`, {
      need: min,
    });
}
