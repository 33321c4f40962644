// GET/POST /{tenant}/oauth2/v2.0/authorize: a user picker standing in for the Entra sign-in page,
// issuing authorization codes (PKCE S256 or plain) for seeded users. Also the logout endpoint.
import crypto from 'node:crypto';
import type { TenantRecord, UserRecord } from '../directory/directory';
import type { SimContext } from '../sim-context';
import type { HttpResult } from './aad-error';
import { clientInfoFor } from './token-endpoint';
import { resolveTenantSegment } from './oidc';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

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

function candidateUsers(ctx: SimContext, tenant: TenantRecord | 'multi'): { tenant: TenantRecord; user: UserRecord }[] {
  const out: { tenant: TenantRecord; user: UserRecord }[] = [];
  const tenants = tenant === 'multi' ? ctx.directory.tenants.values() : [tenant][Symbol.iterator]();
  for (const t of tenants) {
    for (const user of t.users.values()) out.push({ tenant: t, user });
    if (out.length > 200) break;
  }
  return out;
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
  const chosen = picked
    ? users.find(({ user }) => user.id === picked || user.userPrincipalName.toLowerCase() === picked.toLowerCase())
    : undefined;
  if (!chosen) {
    const hidden = [...params.entries()]
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
      .join('');
    const buttons = users
      .map(
        ({ user }) =>
          `<li><button type="submit" name="user" value="${esc(user.userPrincipalName)}" data-upn="${esc(user.userPrincipalName)}">${esc(user.displayName)} <small>${esc(user.userPrincipalName)}</small></button></li>`,
      )
      .join('');
    return {
      status: 200,
      headers: {},
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to your account</title></head><body><main><h1>Pick an account</h1><p>Microsoft 365 simulator: ${esc(app.displayName)} wants to sign you in.</p><form method="post">${hidden}<ul>${buttons}</ul></form></main></body></html>`,
    };
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
