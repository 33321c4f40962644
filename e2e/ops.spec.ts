/**
 * Operations hardening against `npm start`'s production build (issue #19): refusals that used to
 * be 500s, sign-in limits that a flood with forged X-Forwarded-For cannot turn against another
 * client, the client address in the audit log, the development-only gallery, the theme cookie,
 * and what /api/health tells strangers and admins.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, signIn, signInThroughSimulator, test, USERS } from './fixtures';

const PORT = Number(process.env.E2E_PORT ?? 3100);

/** One GET from a chosen loopback source address (the listener sees it as the client's socket address). */
function getFrom(localAddress: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; location: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, path, localAddress, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? '' }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(headers: Record<string, string>) {
  expect(headers['content-security-policy']).toContain("default-src 'self'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
}

test.describe('refused requests', () => {
  test('TRACE and other unsupported methods answer 405 with the security headers', async ({ request }) => {
    for (const method of ['TRACE', 'PUT', 'DELETE', 'OPTIONS']) {
      const res = await request.fetch('/', { method, maxRedirects: 0 });
      expect(res.status(), method).toBe(405);
      expectSecurityHeaders(res.headers());
      expect(res.headers()['allow']).toBe('GET, HEAD, POST');
    }
  });

  test('a server action with a foreign, malformed or missing Origin answers 403 with the security headers', async ({
    page,
  }) => {
    await signIn(page, USERS.admin, '/settings/users');
    for (const origin of ['https://evil.example', 'http://localhost:1', '::::', 'null', undefined]) {
      const res = await page.request.post('/settings/users', {
        headers: {
          ...(origin === undefined ? {} : { origin }),
          'next-action': '0'.repeat(42),
          'content-type': 'text/plain;charset=UTF-8',
        },
        data: '[]',
        maxRedirects: 0,
      });
      expect(res.status(), String(origin)).toBe(403);
      expectSecurityHeaders(res.headers());
    }
  });

  test('a Host header a stranger chose never becomes a redirect target', async () => {
    const res = await getFrom('127.0.0.1', '/auth/sign-in?returnTo=/', { host: 'evil.example' });
    expect(res.status).toBe(302);
    const redirectUri = new URL(res.location).searchParams.get('redirect_uri');
    expect(redirectUri).toBe(`http://localhost:${PORT}/auth/callback`);
  });
});

test('a sign-in flood from one address with forged X-Forwarded-For does not lock out another address', async () => {
  test.setTimeout(120_000);
  // playwright.config.ts sets REKEY_SIGNIN_RATE_PER_MINUTE=100 (a bucket of 100, refilled at
  // 100/min). Each request claims a different client in X-Forwarded-For; the listener keys the
  // limit by the socket address all the same, so only the bucket's worth gets through.
  const started = Date.now();
  const results: { status: number; location: string }[] = [];
  for (let batch = 0; batch < 15; batch++) {
    results.push(
      ...(await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          getFrom('127.0.0.2', '/auth/sign-in?returnTo=/', { 'x-forwarded-for': `198.51.100.${batch * 20 + i}` }),
        ),
      )),
    );
  }
  const refilled = Math.ceil(((Date.now() - started) / 60_000) * 100);
  const limited = results.filter((r) => r.location.includes('reason=rate_limited'));
  const allowed = results.filter((r) => r.status === 302 && r.location.includes('/oauth2/v2.0/authorize'));
  expect(allowed.length + limited.length).toBe(300);
  expect(allowed.length).toBeGreaterThanOrEqual(100);
  expect(allowed.length).toBeLessThanOrEqual(100 + refilled);
  // Another address signs in as usual.
  const other = await getFrom('127.0.0.3', '/auth/sign-in?returnTo=/');
  expect(other.status).toBe(302);
  expect(other.location).toContain('/oauth2/v2.0/authorize');
});

test('the audit log records the client address of a web sign-in (from the socket, not a header)', async ({ page }) => {
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': '203.0.113.99' });
  await signInThroughSimulator(page, USERS.admin, '/');
  await page.setExtraHTTPHeaders({});
  const csv = await (await page.request.get('/audit/export?action=user.sign_in')).text();
  const [header, newest] = csv.trim().split('\r\n');
  const col = header!.split(',').indexOf('clientIp');
  const clientIp = newest!.split(',')[col]!.replace(/^"|"$/g, '');
  expect(clientIp).toMatch(/^(127\.0\.0\.1|::1)$/);
});

test('/dev/ui does not exist in the production build', async ({ page }) => {
  await signIn(page, USERS.admin, '/');
  expect((await page.request.get('/dev/ui')).status()).toBe(404);
  // Not hidden but absent: the build has no page (and so no server action) under /dev.
  const distDir = process.env.REKEY_NEXT_DIST_DIR || '.next';
  expect(fs.existsSync(path.join(distDir, 'server', 'app', 'dev'))).toBe(false);
  expect(fs.existsSync(path.join(distDir, 'server', 'app', 'settings'))).toBe(true);
});

test('the theme switch needs a session and sets its cookie without Secure over plain http', async ({
  page,
  request,
}) => {
  await signIn(page, USERS.viewer, '/');
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  const theme = (await page.context().cookies()).find((c) => c.name === 'theme');
  expect(theme).toMatchObject({ value: 'dark', secure: false, sameSite: 'Lax' });
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await page.getByRole('button', { name: 'Light theme' }).click();
  await expect(page.locator('html')).toHaveClass(/\blight\b/);

  // The same action posted without a session (as a form without JavaScript would) sets nothing.
  const actionField = await page.locator('form input[name^="$ACTION_ID_"]').first().getAttribute('name');
  expect(actionField).toBeTruthy();
  const anon = await request.post('/', {
    headers: { origin: `http://localhost:${PORT}` },
    multipart: { [actionField!]: '', theme: 'dark' },
    maxRedirects: 0,
  });
  expect(anon.status()).toBeLessThan(500);
  expect(anon.headers()['set-cookie'] ?? '').not.toContain('theme=');
});

test('/api/health: only { ok } for strangers; the details for an admin', async ({ page, request }) => {
  const anon = await request.get('/api/health');
  expect(anon.status()).toBe(200);
  expect(await anon.json()).toEqual({ ok: true });

  await signIn(page, USERS.viewer, '/');
  expect(await (await page.request.get('/api/health')).json()).toEqual({ ok: true });

  await page.context().clearCookies();
  await signIn(page, USERS.admin, '/');
  const res = await page.request.get('/api/health');
  const health = (await res.json()) as {
    ok: boolean;
    problems: string[];
    database: { ok: boolean };
    workers: { pid: number; heartbeatAgeSeconds: number }[];
    workerHeartbeatAgeSeconds: number;
    queues: { waiting: number };
    supervisors: { children: { name: string; running: boolean; crashLoop: boolean }[] }[];
  };
  expect(health).toMatchObject({ ok: true, problems: [], database: { ok: true }, crashLoop: false });
  // playwright.config.ts runs two worker processes.
  expect(health.workers).toHaveLength(2);
  expect(health.workerHeartbeatAgeSeconds).toBeLessThan(60);
  expect(health.queues.waiting).toBeGreaterThanOrEqual(0);
  expect(health.supervisors[0]!.children.map((c) => c.name).sort()).toEqual([
    'simulator',
    'web',
    'worker 1',
    'worker 2',
  ]);
  expect(health.supervisors[0]!.children.every((c) => c.running && !c.crashLoop)).toBe(true);
  await expect(page.getByText('Rekey needs attention')).toHaveCount(0);
});
