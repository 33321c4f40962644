/**
 * Ownership for Application.ReadWrite.OwnedBy: with only that permission, Rekey may change an
 * application (or service principal) only when its own service principal is one of the object's
 * owners (Microsoft Graph permissions reference). Reads `/{applications|servicePrincipals}/{id}/owners`
 * and compares with the management app's service principal in this tenant (the `oid` of its token).
 */
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { collectionPath, type CredentialTarget } from '@/lib/graph/graph-types';
import { decodeJwtClaims } from '@/lib/graph/msal-options';

export async function managementAppOwns(
  gw: GraphGateway,
  tenant: TenantRef,
  target: CredentialTarget,
): Promise<{ owner: boolean; servicePrincipalId: string | null; ownerIds: string[] }> {
  const oid = decodeJwtClaims(await gw.token(tenant)).oid;
  const servicePrincipalId = typeof oid === 'string' ? oid.toLowerCase() : null;
  const rows = await gw.listAll<{ id?: unknown }>(tenant, {
    method: 'GET',
    path: `${collectionPath(target.on)}/${target.objectId}/owners?$select=id`,
    operation: 'read the owners',
    need: 'readApplications',
  });
  const ownerIds = rows.map((r) => String(r.id ?? '').toLowerCase()).filter(Boolean);
  return { owner: servicePrincipalId !== null && ownerIds.includes(servicePrincipalId), servicePrincipalId, ownerIds };
}
