import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { OrganizationSchema, type Organization } from '@/lib/graph/graph-types';
import { RekeyError } from '@/lib/errors';

/** The tenant's organization object (id = tenant id, displayName, verifiedDomains). */
export async function getOrganization(gw: GraphGateway, tenant: TenantRef): Promise<Organization> {
  const page = await gw.request<{ value?: unknown[] }>(tenant, {
    method: 'GET',
    path: '/organization?$select=id,displayName,tenantType,verifiedDomains',
    operation: 'read the organization',
    need: 'readOrganization',
  });
  const first = page.value?.[0];
  if (!first) throw new RekeyError('GRAPH_ERROR', 'Graph returned no organization object.');
  return OrganizationSchema.parse(first);
}
