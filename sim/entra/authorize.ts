// GET/POST /{tenant}/oauth2/v2.0/authorize: a user picker standing in for the Entra sign-in page,
// issuing authorization codes (PKCE S256 or plain) for seeded users. Also the logout endpoint.
import crypto from 'node:crypto';
import type { TenantRecord, UserRecord } from '../directory/directory';
import type { SimContext } from '../sim-context';
import type { HttpResult } from './aad-error';
import { clientInfoFor } from './token-endpoint';
import { resolveTenantSegment } from './oidc';
import { decideConsent, recordConsent } from './consent';
import { accountButtons, candidateUsers, esc, hiddenInputs } from './account-picker';

function errorPage(status: number, code: number, message: string): HttpResult {
  return {
    status,
    headers: {},
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><title>Sign in to your account</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1><p id="error">AADSTS${code}: ${esc(message)}</p></body></html>`,
  };
}

function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

/** Handles both the picker page (GET, or POST without a user) and the pick (POST with `user`). */
export function handleAuthorize(
  ctx: SimContext,
  segment: string,
  params: URLSearchParams,
  picked: string | null,
): HttpResult {
  const tenant = resolveTenantSegment(ctx, segment);
  if (!tenant) return errorPage(400, 90002, `Tenant '${segment}' not found.`);
  const clientId = (params.get('client_id') ?? '').toLowerCase();
  const app = ctx.directory.appsByAppId.get(clientId);
  if (!app) return errorPage(400, 700016, `Application with identifier '${clientId}' was not found in the directory.`);
  const redirectUri = params.get('redirect_uri') ?? '';
  const registered = app.web.redirectUris;
  if (registered.length > 0 ? !registered.includes(redirectUri) : !isLoopbackRedirect(redirectUri)) {
    return errorPage(
      400,
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.appId}'.`,
    );
  }
  if (params.get('response_type') !== 'code') {
    return errorPage(
      400,
      900144,
      "The request body must contain the following parameter: 'response_type' with value 'code'.",
    );
  }
  const users = candidateUsers(ctx, tenant);
  const chosen = picked ? findUser(ctx, tenant, users, picked) : undefined;
  if (!chosen) {
    const hidden = hiddenInputs(params.entries());
    const buttons = accountButtons(users);
    return {
      status: 200,
      headers: {},
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to your account</title></head><body><main><h1>Pick an account</h1><p>Microsoft 365 simulator: ${esc(app.displayName)} wants to sign you in.</p>${picked ? `<p id="error">This username may be incorrect. Make sure you typed it correctly.</p>` : ''}<form method="post">${hidden}<label>Email or username <input type="email" name="user" autocomplete="username"></label><button type="submit" name="next" value="1">Next</button></form><form method="post">${hidden}<ul>${buttons}</ul></form></main></body></html>`,
    };
  }
  const consent = decideConsent(
    ctx,
    chosen.tenant,
    app,
    chosen.user,
    (params.get('scope') ?? '').split(/\s+/).filter(Boolean),
    params.get('prompt') === 'consent',
  );
  const answer = params.get('consent');
  if (consent.kind === 'adminApprovalNeeded') {
    if (answer === 'decline') return declined(params, redirectUri, 'AADSTS90094: Administrator consent is required.');
    return needAdminApproval(params, chosen.user, app.displayName, consent.adminOnly);
  }
  if (consent.kind === 'prompt') {
    if (answer === 'decline')
      return declined(params, redirectUri, 'AADSTS65004: User declined to consent to access the app.');
    if (answer !== 'accept') return consentPage(params, chosen.user, app.displayName, consent);
    recordConsent(ctx, chosen.tenant, app, chosen.user, consent.scopes, consent.forOrganization);
  }
  const code = crypto.randomBytes(32).toString('base64url');
  ctx.directory.authCodes.set(code, {
    code,
    clientId,
    tenantId: chosen.tenant.id,
    userId: chosen.user.id,
    redirectUri,
    scopes: (params.get('scope') ?? '').split(/\s+/).filter(Boolean),
    codeChallenge: params.get('code_challenge'),
    codeChallengeMethod: params.get('code_challenge_method') ?? (params.get('code_challenge') ? 'plain' : null),
    nonce: params.get('nonce'),
    expiresAt: ctx.now() + 10 * 60 * 1000,
  });
  const out = new URLSearchParams({ code, client_info: clientInfoFor(chosen.user.id, chosen.tenant.id) });
  const state = params.get('state');
  if (state !== null) out.set('state', state);
  out.set('session_state', crypto.randomUUID());
  return redirectTo(params, redirectUri, out);
}

function redirectTo(params: URLSearchParams, redirectUri: string, out: URLSearchParams): HttpResult {
  const mode = params.get('response_mode') ?? 'query';
  if (mode === 'form_post') {
    const inputs = [...out.entries()]
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
      .join('');
    return {
      status: 200,
      headers: {},
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${esc(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`,
    };
  }
  const sep = mode === 'fragment' ? '#' : redirectUri.includes('?') ? '&' : '?';
  return { status: 302, headers: { location: `${redirectUri}${sep}${out.toString()}` }, body: '' };
}

function findUser(
  ctx: SimContext,
  tenant: TenantRecord | 'multi',
  candidates: { tenant: TenantRecord; user: UserRecord }[],
  picked: string,
): { tenant: TenantRecord; user: UserRecord } | undefined {
  const key = picked.toLowerCase();
  const hit = candidates.find(({ user }) => user.id === picked || user.userPrincipalName.toLowerCase() === key);
  if (hit) return hit;
  // A typed user name: any tenant's user on the multi-tenant endpoints, the tenant's own otherwise.
  for (const t of tenant === 'multi' ? ctx.directory.tenants.values() : [tenant]) {
    const user = t.usersByUpn.get(key);
    if (user) return { tenant: t, user };
  }
  return undefined;
}

function hiddenFields(params: URLSearchParams, user: UserRecord): string {
  return (
    [...params.entries()]
      .filter(([k]) => k !== 'consent')
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
      .join('') + `<input type="hidden" name="user" value="${esc(user.userPrincipalName)}">`
  );
}

/** The consent prompt ("Permissions requested"): Accept or Cancel. */
function consentPage(
  params: URLSearchParams,
  user: UserRecord,
  appName: string,
  consent: { scopes: string[]; adminOnly: string[]; forOrganization: boolean },
): HttpResult {
  const items = consent.scopes
    .map(
      (s) =>
        `<li data-scope="${esc(s)}">${esc(s)}${consent.adminOnly.includes(s) ? ' <small>(Admin consent required)</small>' : ''}</li>`,
    )
    .join('');
  return {
    status: 200,
    headers: {},
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><meta charset="utf-8"><title>Permissions requested</title></head><body><main><h1>Permissions requested</h1><p>${esc(user.userPrincipalName)}</p><p><strong>${esc(appName)}</strong> would like to:</p><ul>${items}</ul>${consent.forOrganization ? '<p id="org-consent">Accepting grants these permissions for your whole organization (Consent on behalf of your organization).</p>' : ''}<form method="post">${hiddenFields(params, user)}<button type="submit" name="consent" value="decline">Cancel</button> <button type="submit" name="consent" value="accept">Accept</button></form></main></body></html>`,
  };
}

/** "Need admin approval" (AADSTS90094), with the way back to the app without consent. */
function needAdminApproval(
  params: URLSearchParams,
  user: UserRecord,
  appName: string,
  adminOnly: string[],
): HttpResult {
  return {
    status: 200,
    headers: {},
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><meta charset="utf-8"><title>Need admin approval</title></head><body><main><h1>Need admin approval</h1><p>${esc(user.userPrincipalName)}</p><p id="error">${esc(appName)} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p><p>Permissions that need an admin: ${esc(adminOnly.join(', '))}</p><form method="post">${hiddenFields(params, user)}<button type="submit" name="consent" value="decline">Return to the application without granting consent</button></form></main></body></html>`,
  };
}

function declined(params: URLSearchParams, redirectUri: string, description: string): HttpResult {
  const out = new URLSearchParams({ error: 'access_denied', error_subcode: 'cancel', error_description: description });
  const state = params.get('state');
  if (state !== null) out.set('state', state);
  return redirectTo(params, redirectUri, out);
}

export function handleLogout(params: URLSearchParams): HttpResult {
  const target = params.get('post_logout_redirect_uri');
  if (target) return { status: 302, headers: { location: target }, body: '' };
  return {
    status: 200,
    headers: {},
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><html><body><p>You signed out of your account.</p></body></html>',
  };
}
