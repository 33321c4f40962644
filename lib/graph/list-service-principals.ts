/**
 * Service principals matching a connector type (same matching as list-applications.ts), with the
 * application's owner tenant: a vendor's multi-tenant app is present in a customer tenant only as
 * its service principal (`appOwnerOrganizationId` is the vendor's tenant), and may hold the
 * connection's certificate there.
 */
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { ServicePrincipalSchema, type ServicePrincipal } from '@/lib/graph/graph-types';
import { filterFor, matchesApplication, type ApplicationMatch } from '@/lib/graph/list-applications';

export async function listServicePrincipals(
  gw: GraphGateway,
  tenant: TenantRef,
  m: ApplicationMatch,
): Promise<ServicePrincipal[]> {
  if (!m.appId && !m.displayNamePattern) return [];
  const filter = filterFor(m);
  const items = await gw.listAll<unknown>(tenant, {
    method: 'GET',
    path: `/servicePrincipals?${filter ? `$filter=${filter}&` : ''}$select=id,appId,displayName,appOwnerOrganizationId&$top=999`,
    operation: 'list the service principals',
    need: 'readApplications',
  });
  return items
    .map((i) => ServicePrincipalSchema.parse(i))
    .filter((sp) => matchesApplication({ appId: sp.appId, displayName: sp.displayName ?? null }, m));
}
