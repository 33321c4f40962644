import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { requireTenantAccess } from '@/lib/auth/context';
import type { Principal, Role } from '@/lib/auth/principal';
import { isRekeyError } from '@/lib/errors';

/** requireTenantAccess for pages: outside the scope → 404, role too low for this tenant → 403 page. */
export async function requireTenantPage(
  principal: Principal,
  tenantId: string,
  min: Role,
  from: string,
): Promise<void> {
  try {
    await requireTenantAccess(principal, tenantId, min);
  } catch (e) {
    if (isRekeyError(e) && e.code === 'FORBIDDEN') redirect(`/forbidden?need=${min}&from=${encodeURIComponent(from)}`);
    if (isRekeyError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
}

/** Runs a use case that may throw NOT_FOUND (outside scope / missing id) as a page 404. */
export async function orNotFound<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isRekeyError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
}
