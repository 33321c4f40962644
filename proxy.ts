/**
 * Next 16 Proxy (formerly middleware.ts; Node.js runtime). Per request:
 * - a fresh CSP nonce: set on the *request* (`Content-Security-Policy`, from which Next takes
 *   the nonce for its own scripts, and `x-nonce` for our code) and on the response;
 * - `x-request-id` (ours, unless a trusted proxy sent a well-formed one) on request and response;
 * - `x-rekey-path` so pages can build `returnTo` links;
 * - the security headers (lib/http/security-headers.ts), HSTS only on https outside localhost;
 * - a cheap redirect to sign-in for page navigations without any session cookie. This is only
 *   a convenience: the real check is requirePrincipal / defineAction / defineRoute.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/env';
import { SESSION_COOKIE_PLAIN, SESSION_COOKIE_SECURE } from '@/lib/auth/session';
import { isValidRequestId, safeReturnTo } from '@/lib/http/request-context';
import { newNonce, securityHeaders } from '@/lib/http/security-headers';

/** Paths reachable without signing in. */
const PUBLIC_PREFIXES = ['/auth/', '/forbidden', '/api/health'];

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

  let response: NextResponse;
  const hasSessionCookie = req.cookies.has(SESSION_COOKIE_SECURE) || req.cookies.has(SESSION_COOKIE_PLAIN);
  if (!hasSessionCookie && !isPublic(req.nextUrl.pathname) && isPageNavigation(req)) {
    const target = new URL('/auth/sign-in', req.nextUrl);
    target.search = '';
    target.searchParams.set('returnTo', safeReturnTo(path));
    response = NextResponse.redirect(target, 307);
  } else {
    const requestHeaders = new Headers(req.headers);
    requestHeaders.set('content-security-policy', headers['Content-Security-Policy']!);
    requestHeaders.set('x-nonce', nonce);
    requestHeaders.set('x-request-id', requestId);
    requestHeaders.set('x-rekey-path', path.slice(0, 2048));
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  response.headers.set('x-request-id', requestId);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
