/**
 * The handlers behind app/auth/{sign-in,callback,sign-out}/route.ts, written against plain
 * `Request`/`Response` and explicit dependencies so tests can drive the whole sign-in against
 * the simulator without Next. The route files bind them to the environment.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { defaultAuthDeps, resolveSession, sessionCookieNameFor, type AuthDeps } from '@/lib/auth/auth-core';
import { openCookie, sealCookie } from '@/lib/auth/cookie-crypto';
import { parseAdminList, signInUser, type SignInPolicy } from '@/lib/auth/provision-user';
import { clearedSessionCookie, destroySession, sessionCookie, type CookieSpec } from '@/lib/auth/session';
import type { SignInErrorReason } from '@/lib/auth/sign-in-errors';
import { signInClient, signInConfigFromEnv, type SignInConfig } from '@/lib/auth/sign-in-client';
import {
  CallbackQuerySchema,
  FLOW_TTL_MS,
  SignInFlowSchema,
  beginSignIn,
  finishSignIn,
  type SignInFlow,
} from '@/lib/auth/sign-in-flow';
import { env } from '@/lib/env';
import { isRekeyError } from '@/lib/errors';
import { describeError } from '@/lib/http/redact';
import { signInLimiter, type RateLimiter } from '@/lib/http/rate-limit';
import {
  checkSameOrigin,
  clientIpFrom,
  expectedOrigin,
  isSecureContext,
  rateLimitKeyFrom,
  requestContextFromRequest,
  requestIdFrom,
  safeReturnTo,
} from '@/lib/http/request-context';

export interface AuthRouteDeps {
  auth: AuthDeps;
  signIn: () => SignInConfig;
  policy: SignInPolicy;
  limiter: RateLimiter;
  fetchImpl?: typeof fetch;
}

export function defaultAuthRouteDeps(): AuthRouteDeps {
  const e = env();
  return {
    auth: defaultAuthDeps(),
    signIn: () => signInConfigFromEnv(e),
    policy: { admins: parseAdminList(e.REKEY_ADMINS), homeTenant: e.REKEY_HOME_TENANT ?? null },
    limiter: signInLimiter(e.REKEY_SIGNIN_RATE_PER_MINUTE),
  };
}

function flowCookieName(secure: boolean): string {
  return secure ? '__Host-rekey_signin' : 'rekey_signin';
}

function serializeCookie(c: CookieSpec): string {
  const parts = [`${c.name}=${c.value}`, `Path=${c.path}`, 'HttpOnly', 'SameSite=Lax'];
  if (c.secure) parts.push('Secure');
  if (c.maxAge !== undefined) parts.push(`Max-Age=${c.maxAge}`);
  if (c.expires) parts.push(`Expires=${c.expires.toUTCString()}`);
  return parts.join('; ');
}

function redirect(location: string, cookies: CookieSpec[] = [], status = 302): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const c of cookies) headers.append('set-cookie', serializeCookie(c));
  return new Response(null, { status, headers });
}

function errorRedirect(
  origin: string,
  reason: SignInErrorReason,
  cookies: CookieSpec[] = [],
  retryAfter?: number,
): Response {
  const res = redirect(`${origin}/auth/error?reason=${reason}`, cookies, 303);
  if (retryAfter) res.headers.set('retry-after', String(retryAfter));
  return res;
}

function reasonFor(e: unknown): SignInErrorReason {
  if (!isRekeyError(e)) return 'internal';
  const r = e.details?.reason;
  switch (e.code) {
    case 'CONFIG':
      return 'config';
    case 'CONFLICT':
      return 'conflict';
    case 'FORBIDDEN':
      return r === 'disabled' ? 'disabled' : 'rejected';
    case 'GRAPH_UNAVAILABLE':
    case 'GRAPH_ERROR':
      return 'unavailable';
    case 'UNAUTHENTICATED':
      if (r === 'no_flow') return 'expired';
      if (r === 'state_mismatch') return 'mismatch';
      if (typeof r === 'string' && /access_denied|consent|cancel/i.test(r)) return 'denied';
      return 'rejected';
    default:
      return 'internal';
  }
}

function logUnexpected(deps: AuthRouteDeps, where: string, e: unknown, requestId: string | null): void {
  if (isRekeyError(e) && e.code !== 'CONFIG' && e.code !== 'INTERNAL') return; // expected outcomes; the user sees the reason
  (deps.auth.logError ?? ((m: string) => console.error(m)))(
    `[rekey] ${where} failed (request ${requestId ?? '-'}): ${describeError(e)}`,
  );
}

function originOf(request: Request, deps: AuthRouteDeps): string {
  return expectedOrigin(request.headers, deps.auth.origin) ?? new URL(request.url).origin;
}

/** GET /auth/sign-in?returnTo=/path — starts the authorization-code + PKCE flow. */
export async function handleSignIn(request: Request, deps: AuthRouteDeps): Promise<Response> {
  const origin = originOf(request, deps);
  const secure = isSecureContext(request.headers, deps.auth.origin);
  const rl = deps.limiter.check(
    rateLimitKeyFrom(request.headers, deps.auth.origin.trustProxy),
    deps.auth.now().getTime(),
  );
  if (!rl.ok) return errorRedirect(origin, 'rate_limited', [], rl.retryAfterSeconds);
  try {
    const cfg = deps.signIn();
    const returnTo = safeReturnTo(new URL(request.url).searchParams.get('returnTo'));
    const { url, flow } = await beginSignIn(signInClient(cfg), {
      redirectUri: `${origin}/auth/callback`,
      returnTo,
      now: deps.auth.now(),
    });
    const sealed = sealCookie(deps.auth.cookieKey, 'signin-flow', JSON.stringify(flow));
    return redirect(url, [
      {
        name: flowCookieName(secure),
        value: sealed,
        httpOnly: true,
        secure,
        sameSite: 'lax',
        path: '/',
        maxAge: Math.floor(FLOW_TTL_MS / 1000),
      },
    ]);
  } catch (e) {
    logUnexpected(deps, 'sign-in', e, requestIdFrom(request.headers));
    return errorRedirect(origin, reasonFor(e));
  }
}

function readFlow(deps: AuthRouteDeps, value: string | undefined): SignInFlow | null {
  const json = openCookie(deps.auth.cookieKey, 'signin-flow', value);
  if (!json) return null;
  try {
    const parsed = SignInFlowSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** GET /auth/callback?code&state — redeems the code, verifies the id_token, signs in. */
export async function handleCallback(request: Request, deps: AuthRouteDeps): Promise<Response> {
  const origin = originOf(request, deps);
  const secure = isSecureContext(request.headers, deps.auth.origin);
  const req = requestContextFromRequest(request);
  const requestId = requestIdFrom(request.headers);
  const clearFlow: CookieSpec = {
    name: flowCookieName(secure),
    value: '',
    httpOnly: true,
    secure,
    sameSite: 'lax',
    path: '/',
    maxAge: 0,
  };
  const rl = deps.limiter.check(
    rateLimitKeyFrom(request.headers, deps.auth.origin.trustProxy),
    deps.auth.now().getTime(),
  );
  if (!rl.ok) return errorRedirect(origin, 'rate_limited', [clearFlow], rl.retryAfterSeconds);
  try {
    const query = CallbackQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    const flow = readFlow(deps, req.cookie(flowCookieName(secure)));
    const cfg = deps.signIn();
    const now = deps.auth.now();
    const claims = await finishSignIn(
      signInClient(cfg),
      cfg,
      flow,
      query.success ? query.data : { error: 'invalid_request' },
      now,
      deps.fetchImpl,
    );
    const previous = await resolveSession(deps.auth, req, { touch: false });
    const signed = await signInUser(deps.auth.db, claims, {
      policy: deps.policy,
      now,
      sessionPolicy: deps.auth.policy,
      cookieKey: deps.auth.cookieKey,
      requestId,
      clientIp: clientIpFrom(request.headers, deps.auth.origin.trustProxy),
      userAgent: request.headers.get('user-agent'),
      replaceSessionId: previous.sessionId ?? null,
    });
    const target = signed.principal.roles.length === 0 ? '/auth/no-access' : safeReturnTo(flow?.returnTo);
    return redirect(
      `${origin}${target}`,
      [clearFlow, sessionCookie(secure, signed.session.cookieValue, signed.session.expiresAt)],
      303,
    );
  } catch (e) {
    logUnexpected(deps, 'sign-in callback', e, requestId);
    return errorRedirect(origin, reasonFor(e), [clearFlow]);
  }
}

/** POST /auth/sign-out — same-origin only; ends the session (audited) and clears the cookie. */
export async function handleSignOut(request: Request, deps: AuthRouteDeps): Promise<Response> {
  const origin = originOf(request, deps);
  const check = checkSameOrigin(request.headers, deps.auth.origin);
  if (!check.ok)
    return Response.json(
      { ok: false, error: { code: 'FORBIDDEN', message: 'Cross-origin request refused.' } },
      { status: 403 },
    );
  const secure = isSecureContext(request.headers, deps.auth.origin);
  const req = requestContextFromRequest(request);
  const value = req.cookie(sessionCookieNameFor(deps.auth, req));
  const now = deps.auth.now();
  try {
    await deps.auth.db.$transaction(async (tx) => {
      const userId = await destroySession(tx, deps.auth.cookieKey, value);
      if (!userId) return;
      const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
      await appendAuditEvent(
        tx,
        {
          id: userId,
          label: user?.email ?? userId,
          requestId: requestIdFrom(request.headers),
          clientIp: clientIpFrom(request.headers, deps.auth.origin.trustProxy),
        },
        { action: 'user.sign_out', targetType: 'user', targetId: userId },
        now,
      );
    });
  } catch (e) {
    logUnexpected(deps, 'sign-out', e, requestIdFrom(request.headers));
  }
  return redirect(`${origin}/auth/signed-out`, [clearedSessionCookie(secure)], 303);
}

/** For the route files: run a handler with the environment's dependencies. */
export function withDefaultDeps(handler: (request: Request, deps: AuthRouteDeps) => Promise<Response>) {
  return (request: Request) => handler(request, defaultAuthRouteDeps());
}
