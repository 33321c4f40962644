/**
 * Response security headers, built per request by proxy.ts. Pure (no next, no env).
 *
 * CSP: scripts only from our origin or carrying this request's nonce; 'strict-dynamic' lets
 * those load Next's chunks. Styles allow 'unsafe-inline' because React and Next emit `style=""`
 * attributes (and next/font / Tailwind inject <style>), which nonces cannot cover: CSP nonces
 * apply to <style> elements only, never to style attributes. Style injection cannot run script;
 * the residual risk (CSS-based exfiltration of attribute values) is low here because no secret
 * is ever rendered into the page.
 */
import { isLocalhost } from '@/lib/http/request-context';

export function newNonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}

export function buildCsp(nonce: string, opts: { dev?: boolean } = {}): string {
  if (!/^[A-Za-z0-9+/=]{16,64}$/.test(nonce)) throw new Error('invalid CSP nonce');
  const directives: [string, string][] = [
    ['default-src', "'self'"],
    // 'unsafe-eval' only in `next dev` (React's dev tooling); never in production.
    ['script-src', `'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`],
    ['style-src', "'self' 'unsafe-inline'"],
    ['img-src', "'self' data:"],
    ['font-src', "'self'"],
    ['connect-src', opts.dev ? "'self' ws: wss:" : "'self'"],
    ['frame-ancestors', "'none'"],
    ['frame-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['object-src', "'none'"],
    ['manifest-src', "'self'"],
    ['worker-src', "'self'"],
  ];
  return directives.map(([k, v]) => `${k} ${v}`).join('; ');
}

export interface SecurityHeaderInput {
  nonce: string;
  /** https as seen by the user (request URL, or X-Forwarded-Proto from a trusted proxy). */
  https: boolean;
  host: string;
  dev?: boolean;
}

/** Every security header of a page response (CSP included). */
export function securityHeaders(input: SecurityHeaderInput): Record<string, string> {
  const h: Record<string, string> = {
    'Content-Security-Policy': buildCsp(input.nonce, { dev: input.dev }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (input.https && !isLocalhost(input.host)) h['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains';
  return h;
}
