/**
 * Loads a tenant the principal may use with at least `min`, or throws. A tenant outside the
 * principal's scope is NOT_FOUND — exactly like an id that does not exist — so ids cannot be
 * probed. A tenant the principal may see but not act on (a viewer asking to operate) is
 * FORBIDDEN, since its existence is no secret to them.
 */
import { z } from 'zod';
import { db as defaultDb, type Db, type Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { canAccessTenant, roleLabel, type Principal, type Role } from '@/lib/auth/principal';

const TenantId = z.uuid();

export async function requireTenantAccess(
  principal: Principal,
  tenantId: string,
  min: Role,
  db: Db | Prisma.TransactionClient = defaultDb,
): Promise<{ id: string; group: string | null; displayName: string; entraTenantId: string }> {
  const notFound = new RekeyError('NOT_FOUND', 'Tenant not found.', { tenantId: String(tenantId).slice(0, 64) });
  if (!TenantId.safeParse(tenantId).success) throw notFound;
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: { id: true, group: true, displayName: true, entraTenantId: true },
  });
  if (!tenant || !canAccessTenant(principal, tenant, 'viewer')) throw notFound;
  if (!canAccessTenant(principal, tenant, min)) {
    throw new RekeyError('FORBIDDEN', `This needs the ${roleLabel(min)} role for tenant ${tenant.displayName}.`, {
      need: min,
    });
  }
  return tenant;
}
