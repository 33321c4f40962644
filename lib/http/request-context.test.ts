import { describe, expect, it } from 'vitest';
import {
  checkSameOrigin,
  clientIpFrom,
  isSecureContext,
  parseCookieHeader,
  rateLimitKeyFrom,
  safeReturnTo,
} from '@/lib/http/request-context';

const h = (o: Record<string, string>) => new Headers(o);
const direct = { trustProxy: false };
const proxied = { trustProxy: true };
const pinned = { trustProxy: false, publicUrl: 'https://rekey.example.com' };

describe('checkSameOrigin', () => {
  it.each([
    ['same host', { origin: 'http://localhost:3000', host: 'localhost:3000' }, direct, true],
    [
      'same host, https origin behind a TLS proxy',
      { origin: 'https://localhost:3000', host: 'localhost:3000' },
      direct,
      true,
    ],
    ['another site', { origin: 'https://evil.example', host: 'localhost:3000' }, direct, false],
    ['another port', { origin: 'http://localhost:4000', host: 'localhost:3000' }, direct, false],
    ['a look-alike host', { origin: 'http://localhost:3000.evil.example', host: 'localhost:3000' }, direct, false],
    ['no Origin', { host: 'localhost:3000' }, direct, false],
    ['Origin null (sandboxed frame, file:)', { origin: 'null', host: 'localhost:3000' }, direct, false],
    ['a malformed Origin', { origin: 'http//x', host: 'localhost:3000' }, direct, false],
    [
      'Sec-Fetch-Site cross-site',
      { origin: 'http://localhost:3000', host: 'localhost:3000', 'sec-fetch-site': 'cross-site' },
      direct,
      false,
    ],
    [
      'Sec-Fetch-Site same-site (sibling subdomain)',
      { origin: 'http://localhost:3000', host: 'localhost:3000', 'sec-fetch-site': 'same-site' },
      direct,
      false,
    ],
    [
      'Sec-Fetch-Site same-origin',
      { origin: 'http://localhost:3000', host: 'localhost:3000', 'sec-fetch-site': 'same-origin' },
      direct,
      true,
    ],
    [
      'X-Forwarded-Host ignored without a trusted proxy',
      { origin: 'https://evil.example', host: 'localhost:3000', 'x-forwarded-host': 'evil.example' },
      direct,
      false,
    ],
    [
      'X-Forwarded-Host is not believed for a public host without REKEY_PUBLIC_URL, even behind a trusted proxy',
      {
        origin: 'https://rekey.example.com',
        host: '10.0.0.5:3000',
        'x-forwarded-host': 'rekey.example.com',
        'x-forwarded-proto': 'https',
      },
      proxied,
      false,
    ],
    [
      'a Host chosen by the client is not believed without REKEY_PUBLIC_URL',
      { origin: 'http://evil.example', host: 'evil.example' },
      { ...direct, defaultUrl: 'http://localhost:3000' },
      false,
    ],
    [
      'a loopback Host is believed without REKEY_PUBLIC_URL (the local demo)',
      { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' },
      { ...direct, defaultUrl: 'http://localhost:3000' },
      true,
    ],
    ['REKEY_PUBLIC_URL pins the origin', { origin: 'https://rekey.example.com', host: 'internal:3000' }, pinned, true],
    [
      'REKEY_PUBLIC_URL pins the scheme',
      { origin: 'http://rekey.example.com', host: 'rekey.example.com' },
      pinned,
      false,
    ],
    ['REKEY_PUBLIC_URL refuses the raw host', { origin: 'http://internal:3000', host: 'internal:3000' }, pinned, false],
  ] as const)('%s → %s', (_name, headers, policy, ok) => {
    expect(checkSameOrigin(h(headers), policy).ok).toBe(ok);
  });
});

describe('clientIpFrom', () => {
  it.each([
    ['no trusted proxy: nothing, whatever the header says', { 'x-forwarded-for': '203.0.113.9' }, false, null],
    ['trusted proxy: the right-most entry', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }, true, '203.0.113.9'],
    ['trusted proxy: a single entry', { 'x-forwarded-for': '2001:db8::1' }, true, '2001:db8::1'],
    ['trusted proxy: junk is ignored', { 'x-forwarded-for': '<script>' }, true, null],
    ['trusted proxy: no header', {}, true, null],
  ] as const)('%s', (_name, headers, trust, expected) => {
    expect(clientIpFrom(h(headers), trust)).toBe(expected);
  });

  it.each([
    [
      'the front listener address wins over X-Forwarded-For',
      { 'x-rekey-client-address': '192.0.2.7', 'x-forwarded-for': '203.0.113.9' },
      false,
      '192.0.2.7',
    ],
    [
      'the front listener address is used behind a trusted proxy too',
      { 'x-rekey-client-address': '192.0.2.7', 'x-forwarded-for': '203.0.113.9' },
      true,
      '192.0.2.7',
    ],
  ] as const)('%s', (_name, headers, trust, expected) => {
    expect(clientIpFrom(h(headers), trust)).toBe(expected);
  });

  it.each([
    ['a client-chosen X-Forwarded-For is never the key', { 'x-forwarded-for': '203.0.113.9' }, false, 'unknown'],
    ['no address at all', {}, false, 'unknown'],
    [
      'the socket address from the front listener',
      { 'x-rekey-client-address': '192.0.2.7', 'x-forwarded-for': '1.2.3.4' },
      false,
      '192.0.2.7',
    ],
    ['IPv6 by its /64', { 'x-rekey-client-address': '2001:db8:1:2:aaaa::5' }, false, '2001:db8:1:2::/64'],
    ['IPv6 compressed early', { 'x-rekey-client-address': '2001:db8::5' }, false, '2001:db8:0:0::/64'],
    ['IPv6 loopback', { 'x-rekey-client-address': '::1' }, false, '0:0:0:0::/64'],
    ['trusted proxy: its entry', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }, true, '203.0.113.9'],
  ] as const)('rate-limit key: %s', (_name, headers, trust, expected) => {
    expect(rateLimitKeyFrom(h(headers), trust)).toBe(expected);
  });
});

describe('safeReturnTo', () => {
  it.each([
    ['/tenants?q=a', '/tenants?q=a'],
    ['/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/auth/sign-in', '/'],
    ['/a\nb', '/'],
    ['', '/'],
    [null, '/'],
  ])('%j → %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });
});

describe('cookies and secure context', () => {
  it('parses a Cookie header, first value wins', () => {
    const jar = parseCookieHeader('a=1; b=x=y; a=2; bad; =v');
    expect([...jar]).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
    ]);
  });

  it.each([
    [{ host: 'localhost:3000' }, direct, false],
    [{ host: 'localhost:3000' }, pinned, true],
    [{ host: 'x', 'x-forwarded-proto': 'https' }, direct, false],
    [{ host: 'localhost:3000', 'x-forwarded-proto': 'https' }, proxied, true],
    [{ host: 'evil.example', 'x-forwarded-proto': 'https' }, proxied, false],
  ] as const)('secure context case %#', (headers, policy, expected) => {
    expect(isSecureContext(h(headers), policy)).toBe(expected);
  });
});
