import { needLabel, permits } from '@/lib/graph/permissions';
import { instanceLockMessage, ownershipMessage } from '@/lib/rotation/credential-holder-checks';
import type { CredentialOwner } from '@/lib/rotation/graph-port';
import {
  credentialList,
  permanent,
  requireHolder,
  type StepContext,
  type StepHandler,
} from '@/lib/rotation/steps/step-context';

/** With Application.ReadWrite.OwnedBy only, Rekey's service principal must own the object it changes. */
async function requireWritable(
  ctx: StepContext,
  roles: string[],
  on: CredentialOwner,
  objectId: string,
  who: string,
): Promise<void> {
  if (permits('writeApplications', roles) !== 'if-owner') return;
  const o = await ctx.graph.ownership(ctx.tenant, { on, objectId });
  if (!o.owner)
    throw permanent('OWNERSHIP_MISSING', ownershipMessage(ctx.connectorDisplayName, who, on, o.servicePrincipalId), {
      ownerIds: o.ownerIds,
    });
}

/**
 * Reads the connection and the management app's roles; records the credentials as they were
 * before anything changed. Writes nothing to the tenant.
 */
export const preflight: StepHandler = async (ctx) => {
  const roles = await ctx.graph.grantedRoles(ctx.tenant);
  const who = ctx.tenant.name ?? ctx.tenant.id;
  if (permits('writeApplications', roles) === 'no') {
    throw permanent(
      'PERMISSION_MISSING',
      `Rekey's management app lacks ${needLabel('writeApplications')} in tenant ${who} (it has: ${roles.join(', ') || 'no roles'}). Ask a Global Administrator of the tenant to grant admin consent again.`,
    );
  }
  if (ctx.now.getTime() >= ctx.newCert.notAfter.getTime() || ctx.now.getTime() < ctx.newCert.notBefore.getTime()) {
    throw permanent(
      'CERTIFICATE_NOT_VALID',
      `The new certificate (${ctx.newCert.sha1}) is not valid now (${ctx.newCert.notBefore.toISOString()} – ${ctx.newCert.notAfter.toISOString()}). Choose another certificate.`,
    );
  }
  const view = await ctx.graph.readConnection(ctx.connection);
  const warnings: string[] = [];
  let plan = ctx.plan;
  if (ctx.connection.credentialOn === 'servicePrincipal') {
    // The vendor's multi-tenant app: only its service principal is here, and it holds the credential.
    if (plan === 'reestablish_recreate')
      throw permanent(
        'NOT_RECREATABLE',
        `${ctx.connectorDisplayName} is the vendor's own multi-tenant app, present in ${who} only as a service principal; Rekey cannot delete and recreate it. Replace its credential instead.`,
      );
    const sp = requireHolder(view, ctx, 'preflight');
    await requireWritable(ctx, roles, sp.on, sp.id, who);
    const lock = await ctx.graph.instanceLock(ctx.tenant, sp.id);
    if (lock.state === 'locked')
      throw permanent('INSTANCE_LOCKED', instanceLockMessage(ctx.connectorDisplayName, who), { graph: lock.detail });
    if (lock.state === 'unknown')
      warnings.push(
        `Could not tell whether the vendor locked credential changes on the service principal: ${lock.detail}`,
      );
    return {
      message: `Preflight passed for ${ctx.connectorDisplayName} in ${who} (credential on the service principal)${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''})` : ''}.`,
      facts: {
        plan,
        preflight: { at: ctx.now.toISOString(), roles, warnings },
        ...(ctx.facts.before ? {} : { before: credentialList(view, ctx.now) }),
      },
    };
  }
  if (view.app) await requireWritable(ctx, roles, 'application', view.app.id, who);
  if (!view.app) {
    if (ctx.plan === 'rotate') {
      throw permanent(
        'APP_NOT_FOUND',
        `The application ${ctx.connection.appId} (${ctx.connectorDisplayName}) no longer exists in tenant ${who}. Cancel this rotation and start a Re-establish connection rotation to recreate it.`,
      );
    }
    plan = 'reestablish_recreate';
    warnings.push(
      "The application no longer exists; it will be recreated from the inventory (display name and the connector type's permissions).",
    );
  }
  if (plan === 'reestablish_recreate' && permits('writeAppRoleAssignments', roles) === 'no') {
    throw permanent(
      'PERMISSION_MISSING',
      `Recreating the connection needs ${needLabel('writeAppRoleAssignments')} in tenant ${who} to restore its consent; Rekey's management app does not have it. Grant it, or re-establish by replacing the credential instead.`,
    );
  }
  if (
    ctx.plan === 'rotate' &&
    view.app &&
    ctx.oldCert &&
    !view.app.credentials.some((c) => c.sha1 === ctx.oldCert!.sha1)
  ) {
    warnings.push(
      `The current certificate (${ctx.oldCert.sha1}) is not on the application; nothing will need removing.`,
    );
  }
  return {
    message: `Preflight passed for ${ctx.connectorDisplayName} in ${who}${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''})` : ''}.`,
    plan: plan === ctx.plan ? undefined : plan,
    facts: {
      plan,
      preflight: { at: ctx.now.toISOString(), roles, warnings },
      ...(ctx.facts.before ? {} : { before: credentialList(view, ctx.now) }),
    },
  };
};
