// GET/POST /{tenant|common|organizations}/adminconsent (and /{tenant}/v2.0/adminconsent): the
// tenant-wide admin consent endpoint. A user picker stands in for the Entra sign-in page; a
// Global Administrator then sees the application permissions the app's registration asks for and
// accepts or cancels. Accepting creates the app's service principal in the admin's tenant and grants
// every configured application permission (requiredResourceAccess entries of type Role) as app role
// assignments, then redirects to the exact registered redirect URI with the parameters Microsoft sends.
//
// Sources (see sim/README.md): "Admin consent on the Microsoft identity platform"
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent and "Redirect URI
// (reply URL) best practices and limitations"
// https://learn.microsoft.com/en-us/entra/identity-platform/reply-url
import type { ApplicationRecord, TenantRecord } from '../directory/directory';
import type { SimContext } from '../sim-context';
import type { HttpResult } from './aad-error';
import { resolveTenantSegment } from './oidc';
import { accountButtons, candidateUsers, esc, hiddenInputs } from './account-picker';
import { DIRECTORY_ROLES } from '../directory/directory-roles';

/** Directory roles that may grant tenant-wide admin consent to application permissions. */
export const CONSENT_ADMIN_ROLES: string[] = [
  DIRECTORY_ROLES.globalAdministrator.id,
  DIRECTORY_ROLES.privilegedRoleAdministrator.id,
];

function page(title: string, body: string, status = 200): HttpResult {
  return {
    status,
    headers: { 'cache-control': 'no-store' },
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><main>${body}</main></body></html>`,
  };
}

function errorPage(code: number, message: string): HttpResult {
  return page(
    'Sign in to your account',
    `<h1>Sorry, but we're having trouble signing you in.</h1><p id="error">AADSTS${code}: ${esc(message)}</p>`,
    400,
  );
}

function redirect(redirectUri: string, params: URLSearchParams): HttpResult {
  const sep = redirectUri.includes('?') ? '&' : '?';
  return { status: 302, headers: { location: `${redirectUri}${sep}${params.toString()}` }, body: '' };
}

/** The application permissions (app roles) an app's registration asks for, by resource, with their values. */
function configuredAppRoles(
  ctx: SimContext,
  tenant: TenantRecord,
  app: ApplicationRecord,
): { resourceAppId: string; resourceName: string; roles: { id: string; value: string }[] }[] {
  return app.requiredResourceAccess
    .map((r) => {
      const resource = tenant.spsByAppId.get(r.resourceAppId.toLowerCase());
      const defs = resource?.appRoles ?? ctx.directory.appsByAppId.get(r.resourceAppId.toLowerCase())?.appRoles ?? [];
      const roles = r.resourceAccess
        .filter((a) => a.type === 'Role')
        .map((a) => ({ id: a.id, value: defs.find((d) => d.id === a.id)?.value ?? a.id }));
      return {
        resourceAppId: r.resourceAppId.toLowerCase(),
        resourceName: resource?.displayName ?? r.resourceAppId,
        roles,
      };
    })
    .filter((r) => r.roles.length > 0);
}

/**
 * `form` is the POSTed picker/consent form (null on GET). It carries `user` (the picked account)
 * and `decision` ('accept' | 'cancel') once the consent screen was shown.
 */
export function handleAdminConsent(
  ctx: SimContext,
  segment: string,
  version: 'v1' | 'v2',
  params: URLSearchParams,
  form: URLSearchParams | null,
): HttpResult {
  const tenant = resolveTenantSegment(ctx, segment);
  if (!tenant) return errorPage(90002, `Tenant '${segment}' not found.`);
  const clientId = (params.get('client_id') ?? '').toLowerCase();
  if (!clientId) return errorPage(900144, "The request body must contain the following parameter: 'client_id'.");
  const app = ctx.directory.appsByAppId.get(clientId);
  if (!app) {
    return errorPage(
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant === 'multi' ? segment : tenant.displayName}'.`,
    );
  }
  if (version === 'v2' && !params.get('scope')) {
    return errorPage(900144, "The request body must contain the following parameter: 'scope'.");
  }
  // The redirect URI must match a registered one exactly; v1 falls back to the first registered.
  const registered = app.web.redirectUris;
  if (registered.length === 0) {
    return errorPage(500113, 'No reply address is registered for the application.');
  }
  const redirectUri = params.get('redirect_uri') ?? (version === 'v1' ? registered[0]! : '');
  if (!registered.includes(redirectUri)) {
    return errorPage(
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    );
  }
  const state = params.get('state');
  const withState = (p: URLSearchParams) => {
    if (state !== null) p.set('state', state);
    return p;
  };

  const picked = form?.get('user') ?? null;
  const users = candidateUsers(ctx, tenant);
  const chosen = picked
    ? users.find(({ user }) => user.id === picked || user.userPrincipalName.toLowerCase() === picked.toLowerCase())
    : undefined;
  const hidden = (extra: Record<string, string>) => hiddenInputs([...params.entries(), ...Object.entries(extra)]);
  if (!chosen) {
    const buttons = accountButtons(users, { withTenant: true });
    return page(
      'Sign in to your account',
      `<h1>Pick an account</h1><p>Microsoft 365 simulator: sign in as an administrator to grant ${esc(app.displayName)} access to your organization.</p><form method="post">${hidden({})}<ul>${buttons}</ul></form>`,
    );
  }
  const { tenant: target, user } = chosen;
  const isAdmin = (user.directoryRoles ?? []).some((r) => CONSENT_ADMIN_ROLES.includes(r));
  if (!isAdmin) {
    return page(
      'Need admin approval',
      `<h1>Need admin approval</h1><p id="error">${esc(app.displayName)} needs permission to access resources in your organization that only an admin can grant. ${esc(user.userPrincipalName)} is not an administrator of ${esc(target.displayName)}.</p>`,
      403,
    );
  }
  const requested = configuredAppRoles(ctx, target, app);
  const decision = form?.get('decision');
  if (decision !== 'accept' && decision !== 'cancel') {
    const list = requested
      .flatMap((r) =>
        r.roles.map(
          (role) =>
            `<li data-permission="${esc(role.value)}">${esc(role.value)} <small>${esc(r.resourceName)}</small></li>`,
        ),
      )
      .join('');
    return page(
      'Permissions requested',
      `<h1>Permissions requested</h1><p>${esc(app.displayName)} (${esc(app.appId)}) asks for these application permissions in <strong>${esc(target.displayName)}</strong>. Accepting grants them for the whole organization.</p><ul id="permissions">${list || '<li>None</li>'}</ul><form method="post">${hidden({ user: user.userPrincipalName })}<button type="submit" name="decision" value="accept">Accept</button> <button type="submit" name="decision" value="cancel">Cancel</button></form>`,
    );
  }
  if (decision === 'cancel') {
    return redirect(
      redirectUri,
      withState(
        new URLSearchParams({
          error: 'access_denied',
          error_subcode: 'cancel',
          error_description: 'AADSTS65004: User declined to consent to access the app.',
        }),
      ),
    );
  }
  // Every resource must exist in the tenant (Microsoft Graph always does).
  const missing = requested.find((r) => !target.spsByAppId.get(r.resourceAppId));
  if (missing) {
    return redirect(
      redirectUri,
      withState(
        new URLSearchParams({
          error: 'invalid_client',
          error_description: `AADSTS650052: The app is trying to access a service '${missing.resourceAppId}' that your organization '${target.id}' lacks a service principal for.`,
        }),
      ),
    );
  }
  const sp = target.spsByAppId.get(app.appId) ?? ctx.directory.createServicePrincipal(target, app.appId);
  if (!sp.accountEnabled) {
    return redirect(
      redirectUri,
      withState(
        new URLSearchParams({
          error: 'unauthorized_client',
          error_description: `AADSTS7000112: Application '${app.appId}'(${app.displayName}) is disabled.`,
        }),
      ),
    );
  }
  for (const r of requested) {
    const resource = target.spsByAppId.get(r.resourceAppId)!;
    for (const role of r.roles) {
      if (resource.appRoles.some((d) => d.id === role.id)) ctx.directory.grantAppRole(target, sp, resource, role.id);
    }
  }
  ctx.log(`admin consent: ${user.userPrincipalName} granted ${app.appId} in ${target.id}`);
  const out = new URLSearchParams({ admin_consent: 'True', tenant: target.id });
  if (version === 'v2') out.set('scope', params.get('scope') ?? '');
  withState(out);
  return redirect(redirectUri, out);
}
