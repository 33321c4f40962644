/**
 * What the certificate use cases take from the use-case context (lib/use-case.ts): the database,
 * who acts, when, and the signed-in principal whose role they check (absent = a trusted caller: the
 * CLI on the server without --as, the demo seed, jobs). Certificates are fleet-wide objects; the
 * connectors that use them are tenant-owned and shown only within the principal's scope.
 */
import { hasRole, roleLabel, tenantScopeWhere, type Role } from '@/lib/auth/principal';
import type { Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import type { UseCaseContext } from '@/lib/use-case';

export type CertificateContext = Pick<UseCaseContext, 'db' | 'actor' | 'now' | 'principal'>;

/** Refuses a signed-in principal below `min` (FORBIDDEN naming what needs it); trusted callers pass. */
export function requireCertificateRole(ctx: CertificateContext, min: Role, what: string): void {
  if (ctx.principal && !hasRole(ctx.principal, min))
    throw new RekeyError('FORBIDDEN', `${what} needs the ${roleLabel(min)} role.`, { need: min });
}

/** The tenants whose connectors the caller may see (every tenant for a trusted caller). */
export function viewerScope(ctx: CertificateContext): Prisma.TenantWhereInput {
  return ctx.principal ? tenantScopeWhere(ctx.principal, 'viewer') : {};
}
