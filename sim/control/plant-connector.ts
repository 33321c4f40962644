// POST /_sim/tenants/{id}/connector-apps: a vendor connector installed in a customer tenant, as the
// demo seed installs one (sim/seed/demo-fleet.ts): an application with the vendor's tag, its
// service principal with the application permissions the product needs, and one certificate.
// For specs that need a connector of their own (a compromised one, say) without taking one another
// spec relies on. Not part of Microsoft's surface; no replication lag (a direct write).
import { z } from 'zod';
import type { SimHandle } from '../sim-handle-types';
import { MICROSOFT_GRAPH_APP_ID } from '../directory/well-known';

export const PlantConnectorSchema = z.object({
  displayName: z.string().min(1).max(120),
  /** The certificate the connector signs in with (PEM or base64 DER); its key stays with the caller. */
  certificate: z.string().min(1),
  /** Application permissions (app role values) on `resourceAppId`, granted by the tenant's admin. */
  roles: z.array(z.string()).min(1),
  resourceAppId: z.string().optional(),
});

export interface PlantedConnector {
  appId: string;
  applicationObjectId: string;
  servicePrincipalId: string;
  keyId: string;
}

export function plantConnector(
  sim: SimHandle,
  tenantId: string,
  input: z.infer<typeof PlantConnectorSchema>,
): PlantedConnector {
  const resourceAppId = input.resourceAppId ?? MICROSOFT_GRAPH_APP_ID;
  const tenant = sim.admin.getTenant(tenantId);
  const resource = tenant.spsByAppId.get(resourceAppId);
  if (!resource) throw new Error(`no resource service principal ${resourceAppId} in ${tenantId}`);
  const resourceAccess = input.roles.map((value) => {
    const role = resource.appRoles.find((r) => r.value === value);
    if (!role) throw new Error(`unknown app role ${value} on ${resource.displayName}`);
    return { id: role.id, type: 'Role' };
  });
  const app = sim.admin.createApplication(tenant.id, {
    displayName: input.displayName,
    signInAudience: 'AzureADMyOrg',
    tags: ['vendor:litware-connect'],
    requiredResourceAccess: [{ resourceAppId, resourceAccess }],
  });
  const sp = sim.admin.addServicePrincipal(tenant.id, app.appId);
  sim.admin.grantAppRoles(tenant.id, app.appId, input.roles, resourceAppId);
  const key = sim.admin.addKeyCredentialDirect(tenant.id, { appId: app.appId, certificate: input.certificate });
  return { appId: app.appId, applicationObjectId: app.id, servicePrincipalId: sp.id, keyId: key.keyId };
}
