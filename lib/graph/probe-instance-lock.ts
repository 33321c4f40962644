/**
 * Is a service principal's credential list locked by its application's app instance property lock
 * (`servicePrincipalLockConfiguration` on the vendor's multi-tenant app, which lives in the vendor's
 * tenant and cannot be read from the customer's)? The only way to tell from the customer tenant is
 * Graph's answer to a credential change, so this asks for one that cannot change anything:
 * `removePassword` of a keyId that does not exist. A lock answers 400
 * CannotUpdateLockedServicePrincipalProperty; without one Graph answers that there is nothing to
 * remove. Nothing is ever written.
 */
import crypto from 'node:crypto';
import { RekeyError } from '@/lib/errors';
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';

export const LOCKED_CODE = 'CannotUpdateLockedServicePrincipalProperty';

export type InstanceLock =
  | { state: 'locked'; detail: string }
  | { state: 'unlocked' }
  /** The probe got another answer (e.g. 403 without ownership in OwnedBy mode): the lock is not known. */
  | { state: 'unknown'; detail: string };

export function isInstanceLockError(e: unknown): boolean {
  return e instanceof RekeyError && e.details?.graphCode === LOCKED_CODE;
}

export async function probeInstanceLock(
  gw: GraphGateway,
  tenant: TenantRef,
  spObjectId: string,
): Promise<InstanceLock> {
  try {
    await gw.request(tenant, {
      method: 'POST',
      path: `/servicePrincipals/${spObjectId}/removePassword`,
      body: { keyId: crypto.randomUUID() },
      operation: 'check the app instance property lock',
      need: 'writeApplications',
    });
    // Removing a keyId nobody has cannot succeed; if it ever does, nothing was there to remove.
    return { state: 'unlocked' };
  } catch (e) {
    if (isInstanceLockError(e)) return { state: 'locked', detail: (e as RekeyError).message };
    if (e instanceof RekeyError && e.details?.status === 400) return { state: 'unlocked' };
    if (e instanceof RekeyError && (e.details?.transient === true || e.code === 'NOT_FOUND')) throw e;
    return { state: 'unknown', detail: e instanceof Error ? e.message : String(e) };
  }
}
