import { describe, expect, it } from 'vitest';
import { buildCsp, newNonce, securityHeaders } from '@/lib/http/security-headers';

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(' ')[0]!, d.slice(d.indexOf(' ') + 1)]),
  );
}

describe('Content-Security-Policy', () => {
  const nonce = newNonce();
  const csp = directives(buildCsp(nonce));

  it.each([
    ['default-src', "'self'"],
    ['script-src', `'self' 'nonce-${nonce}' 'strict-dynamic'`],
    ['style-src', "'self' 'unsafe-inline'"],
    ['img-src', "'self' data:"],
    ['font-src', "'self'"],
    ['connect-src', "'self'"],
    ['frame-ancestors', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['object-src', "'none'"],
  ])('%s is %s', (name, value) => {
    expect(csp.get(name)).toBe(value);
  });

  it('never allows unsafe-eval or unsafe-inline scripts in production', () => {
    expect(csp.get('script-src')).not.toMatch(/unsafe/);
  });

  it('allows eval only for next dev', () => {
    expect(directives(buildCsp(nonce, { dev: true })).get('script-src')).toContain("'unsafe-eval'");
  });

  it('makes a fresh unguessable nonce each time', () => {
    const seen = new Set(Array.from({ length: 50 }, () => newNonce()));
    expect(seen.size).toBe(50);
    expect(newNonce()).toMatch(/^[A-Za-z0-9+/]{24}$/);
  });

  it.each(["abc'; script-src *", 'short', ''])('refuses a malformed nonce %j', (bad) => {
    expect(() => buildCsp(bad)).toThrow();
  });
});

describe('security headers', () => {
  it.each([
    ['https on a real host', true, 'rekey.example.com', true],
    ['https on localhost', true, 'localhost:3000', false],
    ['https on 127.0.0.1', true, '127.0.0.1:3000', false],
    ['http on a real host', false, 'rekey.example.com', false],
  ])('HSTS for %s: %s', (_name, https, host, expected) => {
    const h = securityHeaders({ nonce: newNonce(), https, host });
    expect('Strict-Transport-Security' in h).toBe(expected);
  });

  it('always sends the fixed set', () => {
    const h = securityHeaders({ nonce: newNonce(), https: false, host: 'localhost' });
    expect(h).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'X-Frame-Options': 'DENY',
    });
    expect(h['Permissions-Policy']).toContain('camera=()');
    expect(h['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });
});
