import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@/lib/runtime/free-port';
import { clientAddressFor, normalizeAddress, startFrontListener } from './front-listener';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Next stand-in: answers with the request headers it received, and two cookies. */
async function upstream(): Promise<{ port: number; calls: http.IncomingHttpHeaders[] }> {
  const calls: http.IncomingHttpHeaders[] = [];
  const s = http.createServer((req, res) => {
    calls.push(req.headers);
    res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  servers.push(s);
  return { port: (s.address() as AddressInfo).port, calls };
}

async function listener(upstreamPort: number, trustProxy = false) {
  const port = await freePort();
  const s = await startFrontListener({ port, upstreamPort, trustProxy, token: 'secret-token', log: () => undefined });
  servers.push(s);
  return port;
}

function request(port: number, opts: { method?: string; localAddress?: string; headers?: Record<string, string> }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/x',
        method: opts.method ?? 'GET',
        localAddress: opts.localAddress,
        headers: opts.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the front listener', () => {
  it('tells Next the socket address, whatever the client claims, and drops client-sent proxy headers', async () => {
    const up = await upstream();
    const port = await listener(up.port);
    const res = await request(port, {
      localAddress: '127.0.0.2',
      headers: {
        'x-forwarded-for': '203.0.113.9',
        'x-rekey-client-address': '198.51.100.1',
        'x-rekey-front': 'guess',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
      },
    });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as Record<string, string>;
    expect(seen['x-rekey-client-address']).toBe('127.0.0.2');
    expect(seen['x-rekey-front']).toBe('secret-token');
    expect(seen['x-forwarded-for']).toBe('127.0.0.2');
    expect(seen['x-forwarded-host']).toBeUndefined();
    expect(seen['x-forwarded-proto']).toBeUndefined();
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  it('with REKEY_TRUST_PROXY, takes the address the proxy appended (one hop)', async () => {
    const up = await upstream();
    const port = await listener(up.port, true);
    const res = await request(port, {
      localAddress: '127.0.0.2',
      headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.20', 'x-forwarded-proto': 'https' },
    });
    const seen = JSON.parse(res.body) as Record<string, string>;
    expect(seen['x-rekey-client-address']).toBe('198.51.100.20');
    expect(seen['x-forwarded-for']).toBe('203.0.113.9, 198.51.100.20, 127.0.0.2');
    expect(seen['x-forwarded-proto']).toBe('https');
  });

  it('refuses TRACE with 405 and the security headers, without asking Next', async () => {
    const up = await upstream();
    const port = await listener(up.port);
    for (const method of ['TRACE', 'trace']) {
      const res = await request(port, { method });
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe('GET, HEAD, POST');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    expect(up.calls).toHaveLength(0);
  });

  it('refuses a request without Host (HTTP/1.0) with 400 instead of passing its loopback address on', async () => {
    const up = await upstream();
    const port = await listener(up.port);
    const raw = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const s = net.connect(port, '127.0.0.1', () => s.write('GET /auth/sign-in HTTP/1.0\r\n\r\n'));
      s.on('data', (d: Buffer) => (buf += d.toString()));
      s.on('end', () => resolve(buf));
      s.on('error', reject);
    });
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(raw).toMatch(/content-security-policy: /i);
    expect(up.calls).toHaveLength(0);
  });

  it('answers 503 with Retry-After while Next is down (restarting)', async () => {
    const port = await listener(await freePort());
    const res = await request(port, {});
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toContain('restarting');
  });

  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['[2001:DB8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['not an address', null],
    [undefined, null],
  ])('normalizes %s', (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });

  it.each([
    ['socket only', '192.0.2.1', '198.51.100.1', false, '192.0.2.1'],
    ['trusted proxy entry', '192.0.2.1', '198.51.100.1, 203.0.113.5', true, '203.0.113.5'],
    ['trusted proxy sent junk: the socket', '192.0.2.1', '<script>', true, '192.0.2.1'],
  ] as const)('client address: %s', (_n, socket, xff, trust, expected) => {
    expect(clientAddressFor(socket, xff, trust)).toBe(expected);
  });
});
