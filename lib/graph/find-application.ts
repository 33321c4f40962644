/**
 * A connector's application and service principal, found by appId (`$filter=appId eq …`, which
 * works for both, rather than the `(appId='…')` alternate key, so "absent" is an empty list, not a 404).
 */
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import {
  ApplicationSchema,
  ServicePrincipalSchema,
  type Application,
  type ServicePrincipal,
} from '@/lib/graph/graph-types';
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

export async function findServicePrincipal(
  gw: GraphGateway,
  tenant: TenantRef,
  appId: string,
): Promise<ServicePrincipal | null> {
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
export async function findConnection(
  gw: GraphGateway,
  tenant: TenantRef,
  appId: string,
): Promise<{ application: Application | null; servicePrincipal: ServicePrincipal | null }> {
  const [application, servicePrincipal] = await Promise.all([
    findApplication(gw, tenant, appId),
    findServicePrincipal(gw, tenant, appId),
  ]);
  return { application, servicePrincipal };
}

/**
 * Both objects of a connection WITH their credentials' key bytes, in one round trip: a `$batch`
 * of two single-object GETs by alternate key (`/applications(appId='…')`,
 * `/servicePrincipals(appId='…')`) with `$select` including keyCredentials — a single-object GET
 * is what returns `key` (keyCredential resource type: https://learn.microsoft.com/en-us/graph/api/resources/keycredential). A 404 item means that object does not exist.
 */
export async function readConnectionObjects(
  gw: GraphGateway,
  tenant: TenantRef,
  appId: string,
): Promise<{ application: Application | null; servicePrincipal: ServicePrincipal | null }> {
  const key = odataString(appId);
  const [app, sp] = await gw.batch<unknown>(
    tenant,
    [
      { id: '1', method: 'GET', url: `/applications(appId=${key})?$select=${APP_SELECT}` },
      { id: '2', method: 'GET', url: `/servicePrincipals(appId=${key})?$select=${SP_SELECT}` },
    ],
    { operation: `read the connection ${appId}`, need: 'readApplications' },
  );
  const one = <T>(r: typeof app, schema: { parse(x: unknown): T }): T | null => {
    if (r!.ok) return schema.parse(r!.body);
    if (r!.status === 404) return null;
    throw r!.error;
  };
  return { application: one(app, ApplicationSchema), servicePrincipal: one(sp, ServicePrincipalSchema) };
}
