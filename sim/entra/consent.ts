// Delegated consent as Entra does it on the authorize page: an app asking for delegated Microsoft
// Graph permissions nobody consented yet gets a consent prompt; permissions that need an admin
// ("Admin consent required: Yes" in the Microsoft Graph permissions reference) can only be granted by
// a user holding an admin-consent role, who consents for the whole organization (an AllPrincipals
// oAuth2PermissionGrant); a user without one sees "Need admin approval" (AADSTS90094). Accepting
// creates the client's service principal in the tenant (as consent does) and the grant.
// Sources: "User and admin consent in Microsoft Entra ID", "Grant tenant-wide admin consent to an
// application", "Microsoft Graph permissions reference" (sim/README.md).
import type { ApplicationRecord, TenantRecord, UserRecord } from '../directory/directory';
import { ADMIN_CONSENT_ROLES, holdsAny } from '../directory/directory-roles';
import { MICROSOFT_GRAPH_APP_ID } from '../directory/well-known';
import type { SimContext } from '../sim-context';

export const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'email'];

/** Delegated Graph permissions the simulator knows that need admin consent. */
export const ADMIN_CONSENT_SCOPES: readonly string[] = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'AuditLog.Read.All',
  'Organization.Read.All',
  'Policy.Read.All',
  'Policy.ReadWrite.ApplicationConfiguration',
];

/** Requested Microsoft Graph delegated permissions, without the resource prefix and OIDC scopes. */
export function graphScopesOf(scopes: readonly string[], graphHost: string): string[] {
  const out: string[] = [];
  for (const raw of scopes) {
    if (OIDC_SCOPES.includes(raw)) continue;
    let s = raw;
    const m = /^https:\/\/([^/]+)\/(.+)$/.exec(raw);
    if (m) {
      if (m[1]!.toLowerCase() !== graphHost.toLowerCase() && m[1] !== MICROSOFT_GRAPH_APP_ID) continue;
      s = m[2]!;
    }
    if (s && s !== '.default' && !out.includes(s)) out.push(s);
  }
  return out;
}

export type ConsentDecision =
  | { kind: 'granted' }
  | { kind: 'prompt'; scopes: string[]; adminOnly: string[]; forOrganization: boolean }
  | { kind: 'adminApprovalNeeded'; adminOnly: string[] };

/** Does signing `user` in to `app` need a consent prompt, and may this user give it? */
export function decideConsent(
  ctx: SimContext,
  tenant: TenantRecord,
  app: ApplicationRecord,
  user: UserRecord,
  requested: readonly string[],
  promptConsent: boolean,
): ConsentDecision {
  const scopes = graphScopesOf(requested, ctx.config.graphHost);
  if (scopes.length === 0) return { kind: 'granted' };
  const clientSp = tenant.spsByAppId.get(app.appId);
  const graphSp = tenant.spsByAppId.get(MICROSOFT_GRAPH_APP_ID);
  const held = clientSp && graphSp ? ctx.directory.delegatedScopes(tenant, clientSp.id, graphSp.id, user.id) : [];
  const missing = scopes.filter((s) => !held.includes(s));
  if (missing.length === 0 && !promptConsent) return { kind: 'granted' };
  const adminOnly = missing.filter((s) => ADMIN_CONSENT_SCOPES.includes(s));
  const isAdmin = holdsAny(user.directoryRoles, ADMIN_CONSENT_ROLES);
  if (adminOnly.length > 0 && !isAdmin) return { kind: 'adminApprovalNeeded', adminOnly };
  return { kind: 'prompt', scopes, adminOnly, forOrganization: isAdmin };
}

/** Records the consent: the client's service principal (created when absent) and the grant. */
export function recordConsent(
  ctx: SimContext,
  tenant: TenantRecord,
  app: ApplicationRecord,
  user: UserRecord,
  scopes: string[],
  forOrganization: boolean,
): void {
  const clientSp = ctx.directory.createServicePrincipal(tenant, app.appId);
  const graphSp = tenant.spsByAppId.get(MICROSOFT_GRAPH_APP_ID);
  if (!graphSp) throw new Error(`tenant ${tenant.id} has no Microsoft Graph service principal`);
  ctx.directory.grantDelegated(tenant, clientSp, graphSp, scopes, forOrganization ? null : user.id);
}
