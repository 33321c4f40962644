/**
 * RotationGraphPort over lib/graph: the gateway (transport, throttling budget, retries, error
 * mapping) and its operations (idempotent add/remove with addKey-or-PATCH, connection lookup,
 * token test as the connector with a fresh MSAL client).
 */
import { RekeyError } from '@/lib/errors';
import { acquireTokenAsApp } from '@/lib/graph/acquire-token-as-app';
import { addKeyCredential } from '@/lib/graph/add-key-credential';
import { describeKeyCredential } from '@/lib/graph/describe-key-credential';
import { readConnectionObjects } from '@/lib/graph/find-application';
import type { GraphEnvironment } from '@/lib/graph/graph-environment';
import { AppRoleAssignmentSchema, ApplicationSchema, ServicePrincipalSchema } from '@/lib/graph/graph-types';
import { permits } from '@/lib/graph/permissions';
import { rolesOf } from '@/lib/graph/msal-options';
import { odataString } from '@/lib/graph/odata';
import { removeKeyCredential } from '@/lib/graph/remove-key-credential';
import { probeInstanceLock } from '@/lib/graph/probe-instance-lock';
import { managementAppOwns } from '@/lib/graph/list-owners';
import { listSignIns } from '@/lib/graph/list-sign-ins';
import type { ConnectionView, RotationGraphPort, TenantRef } from '@/lib/rotation/graph-port';

/**
 * Entra replicates a just-created object for a while: reading it may 404 and creating its service
 * principal may fail with "does not reference a valid application object". Both are transient.
 */
async function notYetReplicated<T>(p: Promise<T>, what: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (
      e instanceof RekeyError &&
      (e.code === 'NOT_FOUND' ||
        (e.details?.status === 400 && /does not reference a valid application object/i.test(e.message)))
    )
      throw new RekeyError('GRAPH_ERROR', `Entra ID has not replicated ${what} yet: ${e.message}`, {
        ...e.details,
        transient: true,
        graphCode: 'NotReplicatedYet',
      });
    throw e;
  }
}

export function createGraphPortAdapter(graph: GraphEnvironment): RotationGraphPort {
  const gw = graph.gateway;
  const ref = (t: TenantRef) => ({ id: t.id, name: t.name ?? null, tokenGeneration: t.tokenGeneration });

  return {
    async keyLifetimePolicy(t) {
      try {
        const p = (await gw.request(ref(t), {
          method: 'GET',
          path: '/policies/defaultAppManagementPolicy',
          operation: 'read the app-management policy',
        })) as {
          isEnabled?: boolean;
          applicationRestrictions?: {
            keyCredentials?: {
              restrictionType?: string;
              maxLifetime?: string | null;
              restrictForAppsCreatedAfterDateTime?: string | null;
              state?: string;
            }[];
          };
        };
        const r = p.applicationRestrictions?.keyCredentials?.find(
          (k) => k.restrictionType === 'asymmetricKeyLifetime' && k.state !== 'disabled',
        );
        return {
          enabled: p.isEnabled === true,
          maxLifetime: r?.maxLifetime ?? null,
          restrictForAppsCreatedAfter: r?.restrictForAppsCreatedAfterDateTime ?? null,
        };
      } catch (e) {
        if (
          e instanceof RekeyError &&
          (e.code === 'FORBIDDEN' || e.code === 'PERMISSION_MISSING' || e.code === 'NOT_FOUND')
        )
          return null;
        throw e;
      }
    },
    async listCredentialSignIns(t, q) {
      const r = await listSignIns(gw, ref(t), { appId: q.appId, since: q.since, keyId: q.keyId, sha1: q.sha1 });
      if (!r.available) return { available: false, message: r.message };
      return {
        available: true,
        signIns: r.signIns.map((x) => ({
          id: x.id,
          at: x.createdDateTime,
          ipAddress: x.ipAddress ?? '',
          succeeded: (x.status?.errorCode ?? 0) === 0,
        })),
      };
    },
    async readConnection(c) {
      // One round trip: the application and its service principal with their key credentials.
      const { application, servicePrincipal } = await readConnectionObjects(gw, ref(c.tenant), c.appId);
      const view: ConnectionView = { app: null, sp: null };
      if (application) {
        view.app = {
          id: application.id,
          appId: application.appId,
          displayName: application.displayName ?? null,
          createdDateTime: application.createdDateTime ?? null,
          requiredResourceAccess: application.requiredResourceAccess ?? [],
          credentials: (application.keyCredentials ?? []).map((k) => describeKeyCredential(k, 'application')),
        };
      }
      if (servicePrincipal)
        view.sp = {
          id: servicePrincipal.id,
          credentials: (servicePrincipal.keyCredentials ?? []).map((k) => describeKeyCredential(k, 'servicePrincipal')),
        };
      return view;
    },
    async grantedRoles(t) {
      const roles = rolesOf(await gw.token(ref(t)));
      if (permits('writeApplications', roles) !== 'no') return roles;
      // Roles are fixed in a token when it is issued: one cached from before the tenant granted
      // consent again still lacks them. Ask for a fresh token before saying a role is missing.
      gw.tokenProvider.forget(t.id);
      return rolesOf(await gw.token(ref(t)));
    },
    async addCredential(t, input) {
      const r = await addKeyCredential(gw, ref(t), {
        target: { on: input.on, objectId: input.objectId },
        credential: input.credential,
        heldKeys: input.heldKeys,
        now: input.now,
        ...(input.known ? { known: input.known } : {}),
        readBack: false,
      });
      return { path: r.path, reason: r.reason, keyId: r.keyId };
    },
    async removeCredential(t, input) {
      const r = await removeKeyCredential(gw, ref(t), {
        target: { on: input.on, objectId: input.objectId },
        keyId: input.keyId,
        heldKeys: input.heldKeys,
        now: input.now,
        ...(input.known ? { known: input.known } : {}),
        readBack: false,
      });
      return { path: r.path, reason: r.reason, keyId: r.keyId };
    },
    async verifyCredential(t, appId, key) {
      const r = await acquireTokenAsApp({
        authorityHost: graph.authorityHost,
        graphResource: graph.graphResource,
        tenantId: t.id,
        clientId: appId,
        certificatePem: key.certificatePem,
        privateKeyPem: key.privateKeyPem,
      });
      return r.ok
        ? { ok: true }
        : {
            ok: false,
            keyNotRegistered: r.keyNotRegistered,
            unavailable: r.unavailable,
            ...(r.aadsts ? { aadsts: r.aadsts } : {}),
            message: r.message,
          };
    },
    async listAppRoleGrants(t, spObjectId) {
      const rows = await gw.listAll<unknown>(ref(t), {
        method: 'GET',
        path: `/servicePrincipals/${spObjectId}/appRoleAssignments`,
        operation: 'read the app role assignments',
        need: 'readApplications',
      });
      return rows
        .map((x) => AppRoleAssignmentSchema.parse(x))
        .map((a) => ({
          resourceId: a.resourceId,
          appRoleId: a.appRoleId,
          resourceDisplayName: a.resourceDisplayName ?? null,
        }));
    },
    async deleteApplication(t, appObjectId) {
      try {
        await gw.request(ref(t), {
          method: 'DELETE',
          path: `/applications/${appObjectId}`,
          operation: 'delete the old application',
          need: 'writeApplications',
        });
      } catch (e) {
        if (!(e instanceof RekeyError && e.code === 'NOT_FOUND')) throw e;
      }
    },
    async createConnection(t, input) {
      const upsert = { Prefer: 'create-if-missing' };
      const key = odataString(input.uniqueName);
      // Upsert: 201 with the new application, or 204 when an earlier attempt created it.
      const written: unknown = await gw.request(ref(t), {
        method: 'PATCH',
        path: `/applications(uniqueName=${key})`,
        headers: upsert,
        body: {
          displayName: input.displayName,
          signInAudience: 'AzureADMyOrg',
          requiredResourceAccess: input.requiredResourceAccess,
          keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', ...input.credential }],
        },
        operation: 'create the new application',
        need: 'createApplications',
      });
      const created = Boolean(written && typeof written === 'object' && 'id' in written);
      const app = created
        ? ApplicationSchema.parse(written)
        : ApplicationSchema.parse(
            await notYetReplicated(
              gw.request(ref(t), {
                method: 'GET',
                path: `/applications(uniqueName=${key})?$select=id,appId`,
                operation: 'read the new application',
                need: 'readApplications',
              }),
              'the new application',
            ),
          );
      const spKey = `/servicePrincipals(appId=${odataString(app.appId)})`;
      const spWritten: unknown = await notYetReplicated(
        gw.request(ref(t), {
          method: 'PATCH',
          path: spKey,
          headers: upsert,
          body: {},
          operation: 'create the new service principal',
          need: 'createServicePrincipals',
        }),
        'the new application',
      );
      const sp =
        spWritten && typeof spWritten === 'object' && 'id' in spWritten
          ? ServicePrincipalSchema.parse(spWritten)
          : ServicePrincipalSchema.parse(
              await notYetReplicated(
                gw.request(ref(t), {
                  method: 'GET',
                  path: `${spKey}?$select=id,appId`,
                  operation: 'read the new service principal',
                  need: 'readApplications',
                }),
                'the new service principal',
              ),
            );
      return { appId: app.appId, appObjectId: app.id, spObjectId: sp.id, created };
    },
    instanceLock: (t, spObjectId) => probeInstanceLock(gw, ref(t), spObjectId),
    ownership: (t, target) => managementAppOwns(gw, ref(t), target),
    async grantAppRole(t, spObjectId, grant) {
      await gw.request(ref(t), {
        method: 'POST',
        path: `/servicePrincipals/${spObjectId}/appRoleAssignments`,
        body: { principalId: spObjectId, resourceId: grant.resourceId, appRoleId: grant.appRoleId },
        operation: `grant app role ${grant.appRoleId}`,
        need: 'writeAppRoleAssignments',
      });
    },
  };
}
