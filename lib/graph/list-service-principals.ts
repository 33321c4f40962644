/**
 * Service principals matching a connector type (listed by list-connector-objects.ts) (same matching as list-applications.ts), with the
 * application's owner tenant: a vendor's multi-tenant app is present in a customer tenant only as
 * its service principal (`appOwnerOrganizationId` is the vendor's tenant), and may hold the
 * connection's certificate there.
 */
import { ServicePrincipalSchema, type ServicePrincipal } from '@/lib/graph/graph-types';
import { filterFor, matchesApplication, type ApplicationMatch } from '@/lib/graph/list-applications';

/** The list request for a match (relative to the version). */
export function servicePrincipalListPath(m: ApplicationMatch): string {
  const filter = filterFor(m);
  return `/servicePrincipals?${filter ? `$filter=${filter}&` : ''}$select=id,appId,displayName,appOwnerOrganizationId&$top=999`;
}

/** A list's items that match (the server's filter is a prefix at most: the pattern is re-checked). */
export function servicePrincipalsMatching(items: unknown[], m: ApplicationMatch): ServicePrincipal[] {
  return items
    .map((i) => ServicePrincipalSchema.parse(i))
    .filter((sp) => matchesApplication({ appId: sp.appId, displayName: sp.displayName ?? null }, m));
}
