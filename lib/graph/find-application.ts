/**
 * A connector's application and service principal, found by appId (`$filter=appId eq …`, which
 * works for both, rather than the `(appId='…')` alternate key, so "absent" is an empty list, not a 404).
 */
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { ApplicationSchema, ServicePrincipalSchema, type Application, type ServicePrincipal } from '@/lib/graph/graph-types';
import { APP_SELECT, SP_SELECT, odataString } from '@/lib/graph/odata';

export async function findApplication(gw: GraphGateway, tenant: TenantRef, appId: string): Promise<Application | null> {
  const page = await gw.request<{ value?: unknown[] }>(tenant, {
    method: 'GET',
    path: `/applications?$filter=appId eq ${odataString(appId)}&$select=${APP_SELECT}`,
    operation: `find the application ${appId}`,
    need: 'readApplications',
  });
  const first = page.value?.[0];
  return first ? ApplicationSchema.parse(first) : null;
}

export async function findServicePrincipal(gw: GraphGateway, tenant: TenantRef, appId: string): Promise<ServicePrincipal | null> {
  const page = await gw.request<{ value?: unknown[] }>(tenant, {
    method: 'GET',
    path: `/servicePrincipals?$filter=appId eq ${odataString(appId)}&$select=${SP_SELECT}`,
    operation: `find the service principal of ${appId}`,
    need: 'readApplications',
  });
  const first = page.value?.[0];
  return first ? ServicePrincipalSchema.parse(first) : null;
}

/** Both objects of a connection (either may be missing). */
export async function findConnection(gw: GraphGateway, tenant: TenantRef, appId: string): Promise<{ application: Application | null; servicePrincipal: ServicePrincipal | null }> {
  const [application, servicePrincipal] = await Promise.all([findApplication(gw, tenant, appId), findServicePrincipal(gw, tenant, appId)]);
  return { application, servicePrincipal };
}
