// The control surface of the in-process simulator (`SimHandle.admin`; the /_sim/ control API and
// tests drive it): direct writes to the directory that stand in for an administrator or for the past
// (no Graph validation, no replication lag), plus the clock, throttling, replication and seeding knobs.
import crypto from 'node:crypto';
import { pemToDer } from '../crypto/x509';
import {
  newGuid,
  type ApplicationRecord,
  type AppRoleAssignmentRecord,
  type CreateApplicationInput,
  type CreateTenantInput,
  type FederatedIdentityCredentialRecord,
  type KeyCredentialRecord,
  type ServicePrincipalRecord,
  type SignInRecord,
  type TenantAppManagementPolicy,
  type TenantRecord,
  type UserRecord,
} from '../directory/directory';
import type { ReplicationConfig } from '../directory/replication';
import { MICROSOFT_GRAPH_APP_ID } from '../directory/well-known';
import { plantFederatedCredential } from '../graph/federated-credentials';
import { plantPasswordCredential, type PlantPasswordInput } from '../graph/password-credentials';
import type { FleetManifest } from '../seed/fleet-manifest';
import type { SimContext } from '../sim-context';
import type { ThrottleLimits } from '../throttle/throttler';

export interface SimAdmin {
  getTenant(idOrDomain: string): TenantRecord;
  createTenant(input: CreateTenantInput): TenantRecord;
  createApplication(tenantId: string, input: CreateApplicationInput): ApplicationRecord;
  addServicePrincipal(tenantId: string, appId: string): ServicePrincipalRecord;
  /** Admin consent: app role assignments from the app's SP in `tenantId` to the resource's SP. */
  grantAppRoles(tenantId: string, appId: string, roles: string[], resourceAppId?: string): AppRoleAssignmentRecord[];
  /** Revoke consent: delete the app's SP in the tenant (default) or only its app role assignments. */
  revokeConsent(tenantId: string, appId: string, mode?: 'delete-service-principal' | 'remove-app-roles'): void;
  setPremium(tenantId: string, premium: boolean): void;
  /**
   * An app's service principal in a tenant: `accountEnabled: false` disables it (token requests get
   * AADSTS7000112); `conditionalAccessBlock: '<policy name>'` makes a Conditional Access policy for
   * workload identities block its token requests (AADSTS53003), `null` lifts it.
   */
  setServicePrincipalState(
    tenantId: string,
    appId: string,
    state: { accountEnabled?: boolean; conditionalAccessBlock?: string | null },
  ): void;
  setAppManagementPolicy(tenantId: string, policy: Partial<TenantAppManagementPolicy>): void;
  /** Adds a certificate credential without Graph's validation (e.g. an expired or future one). */
  addKeyCredentialDirect(
    tenantId: string,
    input: {
      appId: string;
      target?: 'application' | 'servicePrincipal';
      certificate: string | Buffer;
      startDateTime?: string;
      endDateTime?: string;
      keyId?: string;
      displayName?: string;
    },
  ): KeyCredentialRecord;
  removeKeyCredentialDirect(tenantId: string, appId: string, keyId: string): void;
  /** A client secret added behind Rekey's back (no lag); the secret text is returned here only. */
  addPasswordCredentialDirect(
    tenantId: string,
    input: PlantPasswordInput,
  ): { keyId: string; hint: string | null; secretText: string; startDateTime: string; endDateTime: string };
  /** Removes a client secret directly (test clean-up); false when it was not there. */
  removePasswordCredentialDirect(
    tenantId: string,
    input: { appId: string; keyId: string; target?: 'application' | 'servicePrincipal' },
  ): boolean;
  /** A federated identity credential added behind Rekey's back (no lag; Graph's limits apply). */
  addFederatedCredentialDirect(
    tenantId: string,
    input: { appId: string; name: string; issuer: string; subject: string; audiences?: string[]; description?: string },
  ): FederatedIdentityCredentialRecord;
  /** `directoryRoles` (role template ids, sim/directory/directory-roles.ts) with Global Administrator's makes the user able to grant admin consent. */
  addUser(
    tenantId: string,
    input: { userPrincipalName: string; displayName: string; id?: string; directoryRoles?: string[] },
  ): UserRecord;
  /** Newest first. */
  listSignIns(tenantId: string, filter?: { appId?: string; servicePrincipalOnly?: boolean }): SignInRecord[];
  /** Shift the simulator's clock (token lifetimes, credential validity, sign-in times). */
  advanceClock(ms: number): void;
  setThrottling(enabled: boolean, limits?: Partial<ThrottleLimits>): void;
  /** Turn the replication lag model on/off or change its lags and seed (clears pending replication). */
  setReplication(config: Partial<ReplicationConfig>): void;
  /** Reseed the demo fleet with another size; rewrites fleet.json. */
  seedDemo(tenants?: number): FleetManifest;
  flush(): void;
}

/** What the control surface acts on; the clock, the fleet size and the state file stay startSimulator's. */
export interface SimAdminDeps {
  /** The directory, clock, throttler and replication model of this simulator. */
  ctx: SimContext;
  /** Shifts the clock `ctx.now()` reads. */
  advanceClock(ms: number): void;
  /** Reseeds the demo fleet with `tenants` (default: the size last seeded) and rewrites fleet.json. */
  seedDemo(tenants?: number): FleetManifest;
  /** Writes persisted state now (nothing without `persist`). */
  flush(): void;
}

export function createSimAdmin(deps: SimAdminDeps): SimAdmin {
  const { ctx } = deps;
  const { directory } = ctx;
  const tenantOf = (id: string): TenantRecord => {
    const t = directory.findTenant(id);
    if (!t) throw new Error(`unknown tenant ${id}`);
    return t;
  };
  return {
    getTenant: tenantOf,
    createTenant: (input) => directory.createTenant(input),
    createApplication: (tenantId, input) => directory.createApplication(tenantOf(tenantId), input),
    addServicePrincipal: (tenantId, appId) => directory.createServicePrincipal(tenantOf(tenantId), appId),
    grantAppRoles(tenantId, appId, roles, resourceAppId = MICROSOFT_GRAPH_APP_ID) {
      const tenant = tenantOf(tenantId);
      const sp = tenant.spsByAppId.get(appId.toLowerCase()) ?? directory.createServicePrincipal(tenant, appId);
      const resource = tenant.spsByAppId.get(resourceAppId);
      if (!resource) throw new Error(`no resource service principal ${resourceAppId} in ${tenantId}`);
      return roles.map((value) => {
        const role = resource.appRoles.find((r) => r.value === value);
        if (!role) throw new Error(`unknown app role ${value} on ${resource.displayName}`);
        return directory.grantAppRole(tenant, sp, resource, role.id);
      });
    },
    revokeConsent(tenantId, appId, mode = 'delete-service-principal') {
      const tenant = tenantOf(tenantId);
      const sp = tenant.spsByAppId.get(appId.toLowerCase());
      if (!sp) return;
      if (mode === 'delete-service-principal') directory.deleteServicePrincipal(tenant, sp.id);
      else {
        for (const [id, a] of tenant.assignments) if (a.principalId === sp.id) tenant.assignments.delete(id);
        directory.touch();
      }
    },
    setPremium(tenantId, premium) {
      tenantOf(tenantId).premium = premium;
      directory.touch();
    },
    setServicePrincipalState(tenantId, appId, state) {
      const sp = tenantOf(tenantId).spsByAppId.get(appId.toLowerCase());
      if (!sp) throw new Error(`no service principal for ${appId} in ${tenantId}`);
      if (state.accountEnabled !== undefined) sp.accountEnabled = state.accountEnabled;
      if (state.conditionalAccessBlock !== undefined) sp.simConditionalAccessBlock = state.conditionalAccessBlock;
      directory.touch();
    },
    setAppManagementPolicy(tenantId, policy) {
      const t = tenantOf(tenantId);
      t.policy = { ...t.policy, ...policy };
      directory.touch();
    },
    addKeyCredentialDirect(tenantId, input) {
      const tenant = tenantOf(tenantId);
      const appId = input.appId.toLowerCase();
      const target =
        input.target === 'servicePrincipal'
          ? tenant.spsByAppId.get(appId)
          : (tenant.appsByAppId.get(appId) ?? directory.appsByAppId.get(appId));
      if (!target) throw new Error(`no ${input.target ?? 'application'} ${input.appId} in ${tenantId}`);
      const der = Buffer.isBuffer(input.certificate)
        ? input.certificate
        : input.certificate.includes('BEGIN CERTIFICATE')
          ? pemToDer(input.certificate)
          : Buffer.from(input.certificate, 'base64');
      const x = new crypto.X509Certificate(der);
      const cred: KeyCredentialRecord = {
        keyId: input.keyId ?? newGuid(),
        customKeyIdentifier: crypto.createHash('sha1').update(der).digest(),
        displayName:
          input.displayName ??
          `CN=${
            x.subject
              .split('\n')
              .find((l) => l.startsWith('CN='))
              ?.slice(3) ?? 'certificate'
          }`,
        startDateTime: input.startDateTime ?? new Date(x.validFrom).toISOString(),
        endDateTime: input.endDateTime ?? new Date(x.validTo).toISOString(),
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        key: der,
      };
      target.keyCredentials = [...target.keyCredentials, cred];
      directory.touch();
      return cred;
    },
    removeKeyCredentialDirect(tenantId, appId, keyId) {
      const tenant = tenantOf(tenantId);
      for (const o of [tenant.appsByAppId.get(appId.toLowerCase()), tenant.spsByAppId.get(appId.toLowerCase())]) {
        if (o) o.keyCredentials = o.keyCredentials.filter((c) => c.keyId !== keyId);
      }
      directory.touch();
    },
    addPasswordCredentialDirect(tenantId, input) {
      const { record, secretText } = plantPasswordCredential(tenantOf(tenantId), input, ctx.now());
      directory.touch();
      const { keyId, hint, startDateTime, endDateTime } = record;
      return { keyId, hint, secretText, startDateTime, endDateTime };
    },
    removePasswordCredentialDirect(tenantId, input) {
      const tenant = tenantOf(tenantId);
      const appId = input.appId.toLowerCase();
      const rec = input.target === 'servicePrincipal' ? tenant.spsByAppId.get(appId) : tenant.appsByAppId.get(appId);
      if (!rec || !rec.passwordCredentials.some((p) => p.keyId === input.keyId)) return false;
      rec.passwordCredentials = rec.passwordCredentials.filter((p) => p.keyId !== input.keyId);
      directory.touch();
      return true;
    },
    addFederatedCredentialDirect(tenantId, input) {
      const created = plantFederatedCredential(tenantOf(tenantId), input);
      directory.touch();
      return created;
    },
    addUser: (tenantId, input) => directory.addUser(tenantOf(tenantId), input),
    listSignIns(tenantId, filter = {}) {
      const out = tenantOf(tenantId).signIns.filter(
        (s) =>
          (!filter.appId || s.appId === filter.appId.toLowerCase()) &&
          (!filter.servicePrincipalOnly || s.signInEventTypes.includes('servicePrincipal')),
      );
      return out.reverse();
    },
    advanceClock(ms) {
      deps.advanceClock(ms);
    },
    setThrottling(enabled, limits) {
      ctx.throttler.configure(enabled, limits);
    },
    setReplication(config) {
      ctx.replication.configure(config);
      ctx.replication.clear();
    },
    seedDemo(tenants) {
      return deps.seedDemo(tenants);
    },
    flush() {
      deps.flush();
    },
  };
}
