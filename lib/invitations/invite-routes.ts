/**
 * The customer's public routes, independent of Next (app/invite/** wires them): start the sign-in
 * for an invitation, the callback (checks, tokens into the vault, the funnel), the confirmation,
 * and removing Rekey's delegated consent at the end (a fresh sign-in whose token is used at once
 * and never stored). Same origin rules, security headers and CSRF checks as every other route
 * (proxy.ts); the flow cookie is sealed like the operator's sign-in cookie. Each request's use
 * cases get the web runtime's context without a principal (publicWebContext, lib/runtime/web-runtime.ts): the link token and
 * the admin's sign-in are the authorization, never a Rekey session.
 */
import { z } from 'zod';
import { env, defaultPublicUrl } from '@/lib/env';
import { isRekeyError, RekeyError } from '@/lib/errors';
import { cookieKey } from '@/lib/auth/session-secret';
import { openCookie, sealCookie } from '@/lib/auth/cookie-crypto';
import {
  clientIpFrom,
  expectedOrigin,
  isSecureContext,
  parseCookieHeader,
  type OriginPolicy,
} from '@/lib/http/request-context';
import { checkCustomerAdmin } from '@/lib/invitations/check-customer-admin';
import {
  beginCustomerSignIn,
  CUSTOMER_FLOW_TTL_MS,
  CustomerFlowSchema,
  finishCustomerSignIn,
  type CallbackQuery,
} from '@/lib/invitations/customer-sign-in';
import { delegatedAppConfigFromEnv } from '@/lib/invitations/delegated-app';
import {
  createDelegatedTokenSource,
  delegatedGraphAccess,
  deleteDelegatedToken,
  storeDelegatedToken,
} from '@/lib/invitations/delegated-tokens';
import { discoverInvitedConnection } from '@/lib/invitations/discover-invited-connection';
import { confirmInvitationRotation } from '@/lib/invitations/confirm-invitation-rotation';
import { customerActor, findInvitationByToken, recordInvitationStep } from '@/lib/invitations/open-invitation';
import { removeDelegatedConsent } from '@/lib/invitations/remove-delegated-consent';
import { publicWebContext } from '@/lib/runtime/web-runtime';

const FlowCookieSchema = z.object({
  flow: CustomerFlowSchema,
  token: z.string().max(64),
  purpose: z.enum(['rotate', 'remove']),
  removeServicePrincipal: z.boolean().default(false),
});

function policy(): OriginPolicy {
  const e = env();
  return { publicUrl: e.REKEY_PUBLIC_URL, trustProxy: e.REKEY_TRUST_PROXY, defaultUrl: defaultPublicUrl(e) };
}
function cookieName(secure: boolean): string {
  return secure ? '__Host-rekey_invite' : 'rekey_invite';
}
function cookie(name: string, value: string, secure: boolean, maxAge: number): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
    `Max-Age=${maxAge}`,
  ].join('; ');
}
function redirect(location: string, setCookie?: string): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  if (setCookie) headers.append('set-cookie', setCookie);
  return new Response(null, { status: 303, headers });
}
function page(origin: string, token: string, message?: string): string {
  return `${origin}/invite/${encodeURIComponent(token)}${message ? `?message=${encodeURIComponent(message)}` : ''}`;
}

/** GET /invite/{token}/sign-in[?purpose=remove&sp=1] */
export async function handleInviteSignIn(request: Request, token: string): Promise<Response> {
  const p = policy();
  const origin = expectedOrigin(request.headers, p) ?? new URL(request.url).origin;
  const secure = isSecureContext(request.headers, p);
  const now = new Date();
  try {
    const ctx = publicWebContext(customerActor({ clientIp: clientIpFrom(request.headers, p.trustProxy) }), now);
    const inv = await findInvitationByToken(ctx, { token });
    const url = new URL(request.url);
    const purpose = url.searchParams.get('purpose') === 'remove' ? 'remove' : 'rotate';
    if (purpose === 'rotate' && ['ROTATED', 'REVOKED', 'EXPIRED', 'ROTATING'].includes(inv.view))
      return redirect(page(origin, token));
    if (purpose === 'remove' && inv.view !== 'ROTATED') return redirect(page(origin, token));
    const { url: authorize, flow } = await beginCustomerSignIn(delegatedAppConfigFromEnv(env()), {
      invitationId: inv.id,
      redirectUri: `${origin}/invite/callback`,
      now,
    });
    const value = sealCookie(
      cookieKey(),
      'signin-flow',
      JSON.stringify({ flow, token, purpose, removeServicePrincipal: url.searchParams.get('sp') === '1' }),
    );
    const res = redirect(authorize, cookie(cookieName(secure), value, secure, Math.floor(CUSTOMER_FLOW_TTL_MS / 1000)));
    res.headers.set('location', authorize);
    return new Response(null, { status: 302, headers: res.headers });
  } catch (e) {
    return redirect(page(origin, token, isRekeyError(e) ? e.message : 'Sign-in could not start. Try again.'));
  }
}

/** GET /invite/callback?code&state — the redirect URI registered for the delegated-rotation app. */
export async function handleInviteCallback(request: Request): Promise<Response> {
  const p = policy();
  const origin = expectedOrigin(request.headers, p) ?? new URL(request.url).origin;
  const secure = isSecureContext(request.headers, p);
  const clear = cookie(cookieName(secure), '', secure, 0);
  const now = new Date();
  const json = openCookie(
    cookieKey(),
    'signin-flow',
    parseCookieHeader(request.headers.get('cookie')).get(cookieName(secure)),
  );
  let state: z.infer<typeof FlowCookieSchema> | null = null;
  try {
    state = json ? FlowCookieSchema.parse(JSON.parse(json)) : null;
  } catch {
    state = null;
  }
  if (!state)
    return new Response(
      'The sign-in attempt expired or was started in another browser. Open the invitation link again.',
      {
        status: 400,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'set-cookie': clear, 'cache-control': 'no-store' },
      },
    );
  const clientIp = clientIpFrom(request.headers, p.trustProxy);
  const query = Object.fromEntries(new URL(request.url).searchParams) as CallbackQuery;
  const anon = publicWebContext(customerActor({ clientIp }), now);
  const inv = await findInvitationByToken(anon, { token: state.token }).catch(() => null);
  if (!inv) return redirect(page(origin, state.token), clear);
  const cfg = delegatedAppConfigFromEnv(env());
  let who;
  try {
    who = await finishCustomerSignIn(cfg, state.flow, inv.id, query, now);
  } catch (e) {
    const message = isRekeyError(e) ? e.message : 'The sign-in failed. Try again.';
    if (isRekeyError(e) && e.details?.reason === 'consent_declined' && state.purpose === 'rotate')
      await recordInvitationStep(anon, { invitationId: inv.id, to: 'CONSENT_DECLINED', detail: message });
    return redirect(page(origin, state.token, message), clear);
  }
  const admin = publicWebContext(customerActor({ upn: who.upn, tenantId: who.tenantId, clientIp }), now);
  const check = checkCustomerAdmin(
    { upn: who.upn, tenantId: who.tenantId, roleIds: who.roleIds, ownsApplication: null },
    {
      entraTenantId: inv.entraTenantId,
      tenantDomain: inv.tenantDomain,
      signedInDomains: [who.upn.split('@')[1] ?? ''],
      displayName: inv.tenantName ?? inv.tenantDomain ?? inv.entraTenantId ?? 'the invited tenant',
    },
    'rotate',
  );
  if (!check.ok) {
    if (state.purpose === 'rotate')
      await recordInvitationStep(admin, {
        invitationId: inv.id,
        to: check.reason,
        detail: check.message,
        customerUpn: who.upn,
      });
    return redirect(page(origin, state.token, check.message), clear);
  }
  if (state.purpose === 'remove') {
    const removed = await removeDelegatedConsent(
      admin,
      {
        invitationId: inv.id,
        tenantId: who.tenantId,
        accessToken: who.accessToken,
        removeServicePrincipal: state.removeServicePrincipal,
      },
      { clientId: cfg.clientId, graphEndpoint: env().graphEndpoint },
    );
    return redirect(page(origin, state.token, removed), clear);
  }
  await storeDelegatedToken(admin.db, {
    invitationId: inv.id,
    entraTenantId: who.tenantId,
    accessToken: who.accessToken,
    expiresOn: who.expiresOn,
    cache: who.cache,
  });
  if (inv.view === 'SENT') await recordInvitationStep(anon, { invitationId: inv.id, to: 'OPENED' });
  await recordInvitationStep(admin, {
    invitationId: inv.id,
    to: 'SIGNED_IN',
    customerUpn: who.upn,
    customerTenantId: who.tenantId,
  });
  // A CSV invitation (a customer Rekey does not manage): find the connection with the admin's token.
  if (!inv.connector) {
    const graph = delegatedGraphAccess(createDelegatedTokenSource(admin.db, cfg), {
      graphEndpoint: env().graphEndpoint,
      graphResource: cfg.graphResource,
      authorityHost: cfg.authorityHost,
    });
    const message = await discoverInvitedConnection(
      { ...admin, graph },
      { invitationId: inv.id, entraTenantId: who.tenantId, domain: who.upn.split('@')[1] ?? null },
    ).then(
      (found) =>
        found.kind === 'none'
          ? 'Rekey found no connection of the sender’s in your tenant, so there is nothing to rotate. Nothing was changed.'
          : null,
      (e: unknown) =>
        `Rekey could not read your tenant: ${isRekeyError(e) ? e.message : 'the read failed'}. Nothing was changed; open the link again to retry.`,
    );
    if (message) {
      await deleteDelegatedToken(admin.db, inv.id);
      return redirect(page(origin, state.token, message), clear);
    }
  }
  return redirect(page(origin, state.token), clear);
}

/** POST /invite/{token}/confirm (form: name) */
export async function handleInviteConfirm(request: Request, token: string): Promise<Response> {
  const p = policy();
  const origin = expectedOrigin(request.headers, p) ?? new URL(request.url).origin;
  const now = new Date();
  const clientIp = clientIpFrom(request.headers, p.trustProxy);
  try {
    const inv = await findInvitationByToken(publicWebContext(customerActor({ clientIp }), now), { token });
    const form = await request.formData();
    const name = form.get('name');
    await confirmInvitationRotation(
      publicWebContext(customerActor({ upn: inv.customerUpn, tenantId: inv.entraTenantId, clientIp }), now),
      { invitationId: inv.id, typedName: typeof name === 'string' ? name : '' },
    );
    return redirect(page(origin, token));
  } catch (e) {
    if (!isRekeyError(e)) throw e;
    return redirect(page(origin, token, e.message));
  }
}

export { RekeyError };
