/**
 * What the auth layer needs to know about the current request, behind a small interface so the
 * action/route wrappers can be tested without Next: the Next-bound provider (lib/auth/context.ts)
 * fills it from next/headers, route handlers from their Request, tests from plain objects.
 * Pure functions only (no next, no env reads).
 */

export interface RequestContext {
  /** Request headers (after proxy.ts: carries x-request-id and x-nonce). */
  headers: Headers;
  cookie(name: string): string | undefined;
}

export interface OriginPolicy {
  /** REKEY_PUBLIC_URL, when configured: the only origin accepted. */
  publicUrl?: string | undefined;
  /** REKEY_TRUST_PROXY: believe X-Forwarded-Host / -Proto / -For from the proxy in front. */
  trustProxy: boolean;
  /**
   * Without REKEY_PUBLIC_URL only a loopback Host (the local demo) is believed; any other Host
   * gets this origin instead (`http://localhost:$PORT`), so no redirect or link is built from
   * a Host header a stranger chose.
   */
  defaultUrl?: string | undefined;
}

export function requestContextFromRequest(req: Request): RequestContext {
  const jar = parseCookieHeader(req.headers.get('cookie'));
  return { headers: req.headers, cookie: (name) => jar.get(name) };
}

export function parseCookieHeader(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const raw of header.split(';')) {
    const part = raw.trim();
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (!out.has(name)) out.set(name, part.slice(i + 1).trim());
  }
  return out;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(headers: Headers): string | null {
  const v = headers.get('x-request-id');
  return v && REQUEST_ID.test(v) ? v : null;
}

export function isValidRequestId(v: string | null | undefined): v is string {
  return !!v && REQUEST_ID.test(v);
}

const IP = /^[0-9A-Fa-f:.[\]%]{2,64}$/;

/**
 * The client address. Under `npm start`, the one its front listener set from the socket (or,
 * with REKEY_TRUST_PROXY, from the proxy's X-Forwarded-For entry) — proxy.ts keeps that header
 * only when the listener's secret came with it. Otherwise, with a trusted proxy: the right-most
 * X-Forwarded-For entry (the one the proxy appended). Without either, X-Forwarded-For is
 * whatever the client sent (Next only fills it when absent), so we record nothing rather than an
 * address the caller chose.
 */
export function clientIpFrom(headers: Headers, trustProxy: boolean): string | null {
  const front = headers.get('x-rekey-client-address');
  if (front && IP.test(front)) return front;
  if (!trustProxy) return null;
  const xff = headers.get('x-forwarded-for');
  if (!xff) return null;
  const last = xff
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .at(-1);
  return last && IP.test(last) ? last : null;
}

/**
 * A key for rate limiting: the client address (never a header the client chose), IPv6 by its /64
 * (one subscriber's usual allocation, so rotating addresses inside it buys nothing). Without an
 * address every request shares the key `unknown`: run Rekey behind `npm start`'s listener or a
 * trusted proxy.
 */
export function rateLimitKeyFrom(headers: Headers, trustProxy: boolean): string {
  const ip = clientIpFrom(headers, trustProxy);
  if (!ip) return 'unknown';
  return ip.includes(':') ? ipv6Prefix64(ip) : ip;
}

/** The first four groups of an IPv6 address ("2001:db8:1:2::/64"). */
export function ipv6Prefix64(ip: string): string {
  const clean = ip
    .replace(/^\[|\]$/g, '')
    .split('%')[0]!
    .toLowerCase();
  const [head = '', tail = ''] = clean.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = clean.includes('::')
    ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
    : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, '') || '0')
    .join(':')}::/64`;
}

/** The origin this request was addressed to (scheme://host[:port]); see OriginPolicy.defaultUrl. */
export function expectedOrigin(headers: Headers, policy: OriginPolicy): string | null {
  if (policy.publicUrl) return new URL(policy.publicUrl).origin;
  const host =
    (policy.trustProxy ? headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined) ?? headers.get('host');
  if (host && isLocalhost(host)) {
    const proto = policy.trustProxy ? (headers.get('x-forwarded-proto')?.split(',')[0]?.trim() ?? 'http') : 'http';
    return `${proto === 'https' ? 'https' : 'http'}://${host}`;
  }
  return policy.defaultUrl ? new URL(policy.defaultUrl).origin : null;
}

export type OriginCheck = { ok: true } | { ok: false; reason: string };

/**
 * A state-changing request must come from our own pages. Browsers send `Origin` on every
 * POST (fetch and form submissions alike), so a missing or foreign Origin is refused; when the
 * browser also sends Sec-Fetch-Site it must say same-origin. Host comparison ignores the scheme
 * unless REKEY_PUBLIC_URL pins it (behind a TLS-terminating proxy the app sees http).
 */
export function checkSameOrigin(headers: Headers, policy: OriginPolicy): OriginCheck {
  const origin = headers.get('origin');
  if (!origin || origin === 'null') return { ok: false, reason: 'missing Origin header' };
  const site = headers.get('sec-fetch-site');
  if (site && site !== 'same-origin') return { ok: false, reason: `Sec-Fetch-Site is ${site}` };
  const expected = expectedOrigin(headers, policy);
  if (!expected) return { ok: false, reason: 'no Host header' };
  let got: URL;
  try {
    got = new URL(origin);
  } catch {
    return { ok: false, reason: 'malformed Origin header' };
  }
  const want = new URL(expected);
  const sameHost = got.host.toLowerCase() === want.host.toLowerCase();
  const sameScheme = policy.publicUrl ? got.protocol === want.protocol : true;
  return sameHost && sameScheme ? { ok: true } : { ok: false, reason: `Origin ${got.origin} is not ${want.origin}` };
}

/** Whether cookies must carry Secure (and the __Host- prefix): https anywhere but localhost-http. */
export function isSecureContext(headers: Headers, policy: OriginPolicy): boolean {
  const origin = expectedOrigin(headers, policy);
  return origin !== null && origin.startsWith('https:');
}

export function isLocalhost(host: string): boolean {
  const h = host.replace(/:\d+$/, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '127.0.0.1' || h === '[::1]';
}

/** A same-origin path to return to after sign-in; anything else becomes `/`. */
export function safeReturnTo(v: string | null | undefined): string {
  if (!v || v.length > 2048) return '/';
  if (!v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\') || /[\u0000-\u001f\\]/.test(v)) return '/';
  if (v.startsWith('/auth/')) return '/';
  return v;
}
