/**
 * Next 16 Proxy (formerly middleware.ts; Node.js runtime). Per request:
 * - a fresh CSP nonce: set on the *request* (`Content-Security-Policy`, from which Next takes
 *   the nonce for its own scripts, and `x-nonce` for our code) and on the response;
 * - `x-request-id` (ours, unless a trusted proxy sent a well-formed one) on request and response;
 * - `x-rekey-path` so pages can build `returnTo` links;
 * - the security headers (lib/http/security-headers.ts), HSTS only on https outside localhost;
 * - a cheap redirect to sign-in for page navigations without any session cookie. This is only
 *   a convenience: the real check is requirePrincipal / defineAction / defineRoute;
 * - refusals that Next would otherwise turn into a 500: a method Rekey does not serve → 405, a
 *   state-changing request whose Origin is foreign, malformed or missing → 403 (the same check
 *   as defineAction / defineRoute, done before Next's own server-action handling), both with the
 *   security headers;
 * - the client address set by `npm start`'s front listener (`x-rekey-client-address`) is kept
 *   only when the listener's secret (`x-rekey-front` = REKEY_FRONT_TOKEN) came with it.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { defaultPublicUrl, env } from '@/lib/env';
import { SESSION_COOKIE_PLAIN, SESSION_COOKIE_SECURE } from '@/lib/auth/session-cookie-names';
import { checkSameOrigin, expectedOrigin, isValidRequestId, safeReturnTo } from '@/lib/http/request-context';
import { newNonce, securityHeaders } from '@/lib/http/security-headers';

/** Paths reachable without signing in. */
const PUBLIC_PREFIXES = ['/auth/', '/forbidden', '/api/health', '/invite/'];

function isPublic(pathname: string): boolean {
  return PUBLIC_PREFIXES.some((p) => pathname === p.replace(/\/$/, '') || pathname.startsWith(p));
}

function isPageNavigation(req: NextRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.headers.has('rsc') || req.headers.has('next-action') || req.headers.has('next-router-prefetch')) return false;
  const mode = req.headers.get('sec-fetch-mode');
  if (mode) return mode === 'navigate';
  return (req.headers.get('accept') ?? '').includes('text/html');
}

/** Methods Rekey answers; anything else (TRACE, PUT, OPTIONS…) is 405. */
const ALLOWED_METHODS = new Set(['GET', 'HEAD', 'POST']);
const SAFE_METHODS = new Set(['GET', 'HEAD']);

function refusal(status: 403 | 405, message: string, headers: Record<string, string>, requestId: string) {
  const res = NextResponse.json(
    { ok: false, error: { code: status === 403 ? 'FORBIDDEN' : 'METHOD_NOT_ALLOWED', message } },
    { status },
  );
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  res.headers.set('x-request-id', requestId);
  res.headers.set('cache-control', 'no-store');
  if (status === 405) res.headers.set('allow', [...ALLOWED_METHODS].join(', '));
  return res;
}

/** Constant-time comparison of the front listener's secret. */
function sameToken(a: string | null, b: string | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function proxy(req: NextRequest): NextResponse {
  const e = env();
  const trustProxy = e.REKEY_TRUST_PROXY;
  const nonce = newNonce();
  const incomingId = req.headers.get('x-request-id');
  const requestId = trustProxy && isValidRequestId(incomingId) ? incomingId : crypto.randomUUID();
  const forwardedProto = trustProxy ? req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() : undefined;
  const https = (forwardedProto ?? req.nextUrl.protocol.replace(/:$/, '')) === 'https';
  const host =
    (trustProxy ? req.headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined) ??
    req.headers.get('host') ??
    req.nextUrl.host;
  const headers = securityHeaders({ nonce, https, host, dev: e.NODE_ENV === 'development' });
  const path = `${req.nextUrl.pathname}${req.nextUrl.search}`;

  const method = req.method.toUpperCase();
  if (!ALLOWED_METHODS.has(method)) return refusal(405, `${method} is not supported.`, headers, requestId);
  if (!SAFE_METHODS.has(method)) {
    const origin = checkSameOrigin(req.headers, {
      publicUrl: e.REKEY_PUBLIC_URL,
      trustProxy,
      defaultUrl: defaultPublicUrl(e),
    });
    if (!origin.ok) return refusal(403, `Cross-origin request refused (${origin.reason}).`, headers, requestId);
  }

  let response: NextResponse;
  const hasSessionCookie = req.cookies.has(SESSION_COOKIE_SECURE) || req.cookies.has(SESSION_COOKIE_PLAIN);
  if (!hasSessionCookie && !isPublic(req.nextUrl.pathname) && isPageNavigation(req)) {
    // An absolute Location (Next answers 500 "Invalid URL" to a relative one from the proxy in a
    // production build), from the trusted origin only: REKEY_PUBLIC_URL, a loopback Host, or the
    // default URL — never from a Host header a stranger chose.
    const trusted = { publicUrl: e.REKEY_PUBLIC_URL, trustProxy, defaultUrl: defaultPublicUrl(e) };
    const origin = expectedOrigin(req.headers, trusted) ?? new URL(defaultPublicUrl(e)).origin;
    response = new NextResponse(null, {
      status: 307,
      headers: {
        location: `${origin}/auth/sign-in?${new URLSearchParams({ returnTo: safeReturnTo(path) }).toString()}`,
      },
    });
  } else {
    const requestHeaders = new Headers(req.headers);
    requestHeaders.set('content-security-policy', headers['Content-Security-Policy']!);
    requestHeaders.set('x-nonce', nonce);
    requestHeaders.set('x-request-id', requestId);
    requestHeaders.set('x-rekey-path', path.slice(0, 2048));
    if (!sameToken(req.headers.get('x-rekey-front'), process.env.REKEY_FRONT_TOKEN))
      requestHeaders.delete('x-rekey-client-address');
    requestHeaders.delete('x-rekey-front');
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  response.headers.set('x-request-id', requestId);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
