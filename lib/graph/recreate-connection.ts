/**
 * "Delete the existing connection and create a new one" (vendor advisories, compromised
 * certificate): delete the application (and its service principal), create a new application with
 * the same display name, required permissions and ONLY the new certificate, create its service
 * principal, and grant the application permissions again (app role assignments). Nothing of the
 * old connection survives; the new one has a new appId the vendor must be told about.
 *
 * Every step reads before it writes, and `progress` (persisted by the caller after each step via
 * `onProgress`) makes a re-run after a crash continue instead of creating a second application.
 */
import { RekeyError } from '@/lib/errors';
import type { NewKeyCredential } from '@/lib/graph/describe-key-credential';
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import {
  AppRoleAssignmentSchema,
  ApplicationSchema,
  ServicePrincipalSchema,
  type AppRoleAssignment,
  type RequiredResourceAccess,
} from '@/lib/graph/graph-types';
import { findServicePrincipal } from '@/lib/graph/find-application';

export interface RecreateProgress {
  oldDeleted?: boolean;
  newAppObjectId?: string;
  newAppId?: string;
  newSpObjectId?: string;
  assignmentsDone?: boolean;
}

export interface RecreateConnectionInput {
  /** The connection to delete (absent objects are fine: already deleted). */
  old: { appObjectId?: string | null; spObjectId?: string | null };
  application: { displayName: string; signInAudience?: string; requiredResourceAccess: RequiredResourceAccess };
  credential: NewKeyCredential;
  progress?: RecreateProgress;
  onProgress?: (p: RecreateProgress) => Promise<void> | void;
}

export interface RecreateConnectionResult {
  appId: string;
  appObjectId: string;
  spObjectId: string;
  /** Role assignments now held by the new service principal. */
  assignments: AppRoleAssignment[];
  /** Required roles that could not be granted (resource not in the tenant, unknown role). */
  skipped: { resourceAppId: string; appRoleId: string; reason: string }[];
  progress: RecreateProgress;
}

async function deleteIfPresent(gw: GraphGateway, tenant: TenantRef, path: string, operation: string): Promise<void> {
  try {
    await gw.request(tenant, { method: 'DELETE', path, operation, need: 'writeApplications' });
  } catch (e) {
    if (e instanceof RekeyError && e.code === 'NOT_FOUND') return;
    throw e;
  }
}

export async function recreateConnection(
  gw: GraphGateway,
  tenant: TenantRef,
  input: RecreateConnectionInput,
): Promise<RecreateConnectionResult> {
  const progress: RecreateProgress = { ...input.progress };
  const save = async () => input.onProgress?.({ ...progress });

  if (!progress.oldDeleted) {
    if (input.old.spObjectId)
      await deleteIfPresent(
        gw,
        tenant,
        `/servicePrincipals/${input.old.spObjectId}`,
        'delete the old service principal',
      );
    if (input.old.appObjectId)
      await deleteIfPresent(gw, tenant, `/applications/${input.old.appObjectId}`, 'delete the old application');
    progress.oldDeleted = true;
    await save();
  }

  if (!progress.newAppObjectId) {
    const created = ApplicationSchema.parse(
      await gw.request(tenant, {
        method: 'POST',
        path: '/applications',
        body: {
          displayName: input.application.displayName,
          signInAudience: input.application.signInAudience ?? 'AzureADMyOrg',
          requiredResourceAccess: input.application.requiredResourceAccess,
          keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', ...input.credential }],
        },
        operation: 'create the new application',
        need: 'createApplications',
      }),
    );
    progress.newAppObjectId = created.id;
    progress.newAppId = created.appId;
    await save();
  }
  const appObjectId = progress.newAppObjectId;
  let appId = progress.newAppId;
  if (!appId) {
    appId = ApplicationSchema.parse(
      await gw.request(tenant, {
        method: 'GET',
        path: `/applications/${appObjectId}?$select=id,appId`,
        operation: 'read the new application',
        need: 'readApplications',
      }),
    ).appId;
    progress.newAppId = appId;
  }

  if (!progress.newSpObjectId) {
    const existing = await findServicePrincipal(gw, tenant, appId);
    const sp =
      existing ??
      ServicePrincipalSchema.parse(
        await gw.request(tenant, {
          method: 'POST',
          path: '/servicePrincipals',
          body: { appId },
          operation: 'create the new service principal',
          need: 'createServicePrincipals',
        }),
      );
    progress.newSpObjectId = sp.id;
    await save();
  }
  const spObjectId = progress.newSpObjectId;

  const skipped: RecreateConnectionResult['skipped'] = [];
  const listAssignments = async () =>
    (
      await gw.listAll<unknown>(tenant, {
        method: 'GET',
        path: `/servicePrincipals/${spObjectId}/appRoleAssignments`,
        operation: 'read the app role assignments',
        need: 'readApplications',
      })
    ).map((a) => AppRoleAssignmentSchema.parse(a));
  let assignments = await listAssignments();
  if (!progress.assignmentsDone) {
    for (const rra of input.application.requiredResourceAccess) {
      const roles = rra.resourceAccess.filter((r) => r.type === 'Role');
      if (roles.length === 0) continue;
      const resource = await findServicePrincipal(gw, tenant, rra.resourceAppId);
      if (!resource) {
        for (const r of roles)
          skipped.push({
            resourceAppId: rra.resourceAppId,
            appRoleId: r.id,
            reason: 'the resource has no service principal in this tenant',
          });
        continue;
      }
      for (const r of roles) {
        if (assignments.some((a) => a.resourceId === resource.id && a.appRoleId === r.id)) continue;
        await gw.request(tenant, {
          method: 'POST',
          path: `/servicePrincipals/${spObjectId}/appRoleAssignments`,
          body: { principalId: spObjectId, resourceId: resource.id, appRoleId: r.id },
          operation: `grant app role ${r.id} of ${rra.resourceAppId}`,
          need: 'writeAppRoleAssignments',
        });
      }
    }
    assignments = await listAssignments();
    progress.assignmentsDone = true;
    await save();
  }
  return { appId, appObjectId, spObjectId, assignments, skipped, progress };
}
