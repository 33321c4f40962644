/**
 * Security end to end, against `npm start` (next start + simulator + Postgres, see
 * playwright.config.ts): response headers, sign-in through the simulator's user picker,
 * unauthenticated access, role enforcement, cross-origin refusal, and no private key material
 * in rendered pages or the built client bundles.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';

// The simulator serves HTTPS with its own CA, which this Chromium does not trust.
test.use({ ignoreHTTPSErrors: true });

const DATA_DIR = process.env.E2E_DATA_DIR ?? '.data/e2e';

async function signIn(page: Page, upn: string, returnTo = '/'): Promise<void> {
  await page.goto(`/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
  await page.locator(`button[data-upn="${upn}"]`).click();
  const app = new URL(test.info().project.use.baseURL ?? 'http://localhost:3100');
  await page.waitForURL((url) => url.host === app.host && !url.pathname.startsWith('/auth/callback'));
}

function expectSecurityHeaders(headers: Record<string, string>): void {
  const csp = headers['content-security-policy'];
  expect(csp, 'Content-Security-Policy').toBeTruthy();
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp).not.toContain('unsafe-eval');
  for (const d of [
    "default-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
    "img-src 'self' data:",
    "connect-src 'self'",
  ]) {
    expect(csp).toContain(d);
  }
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['permissions-policy']).toContain('camera=()');
  expect(headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]+$/);
  // Plain http on localhost: no HSTS (it would pin localhost to https for every local app).
  expect(headers['strict-transport-security']).toBeUndefined();
}

test.describe('security headers', () => {
  for (const p of ['/', '/auth/sign-in', '/forbidden', '/auth/no-access']) {
    test(`are sent on ${p}`, async ({ request }) => {
      const res = await request.get(p, { maxRedirects: 0, headers: { accept: 'text/html' } });
      expectSecurityHeaders(res.headers());
    });
  }

  test('use a fresh nonce per response, carried by every script of the page', async ({ page, request }) => {
    const a = (await request.get('/forbidden')).headers()['content-security-policy'];
    const b = (await request.get('/forbidden')).headers()['content-security-policy'];
    expect(a).not.toBe(b);
    const res = await page.goto('/forbidden');
    const nonce = /'nonce-([^']+)'/.exec(res!.headers()['content-security-policy']!)![1]!;
    const scripts = await page.locator('script').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toBe(nonce);
  });
});

test.describe('unauthenticated', () => {
  test('page navigations redirect to sign-in, keeping the page to return to', async ({ request }) => {
    for (const p of ['/', '/audit', '/settings/users']) {
      const res = await request.get(p, {
        maxRedirects: 0,
        headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' },
      });
      expect(res.status(), p).toBe(307);
      const location = new URL(res.headers()['location']!, 'http://x');
      expect(location.pathname).toBe('/auth/sign-in');
      expect(location.searchParams.get('returnTo')).toBe(p);
    }
  });

  test('the sign-in redirect never points at a Host the client chose', async ({ request }) => {
    const res = await request.get('/audit', {
      maxRedirects: 0,
      headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate', host: 'evil.example' },
    });
    expect(res.status()).toBe(307);
    const location = res.headers()['location']!;
    expect(location).not.toContain('evil.example');
    expect(new URL(location, 'http://x').pathname).toBe('/auth/sign-in');
  });

  test('route handlers answer 401', async ({ request }) => {
    const res = await request.get('/audit/export');
    expect(res.status()).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  test('a forged session cookie is no session', async ({ request }) => {
    const res = await request.get('/audit/export', { headers: { cookie: 'rekey_session=AQ' + 'A'.repeat(60) } });
    expect(res.status()).toBe(401);
  });

  test('sign-in cookies are HttpOnly and SameSite', async ({ request }) => {
    const res = await request.get('/auth/sign-in', { maxRedirects: 0 });
    expect(res.status()).toBe(302);
    const setCookie = res
      .headersArray()
      .filter((h) => h.name.toLowerCase() === 'set-cookie')
      .map((h) => h.value)
      .join('\n');
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
  });
});

test.describe('signed in', () => {
  test('sign-in through the simulator lands on the page asked for, and the session cookie is HttpOnly', async ({
    page,
    context,
  }) => {
    await signIn(page, 'admin@rekey.example', '/audit');
    expect(new URL(page.url()).pathname).toBe('/audit');
    const session = (await context.cookies()).find(
      (c) => c.name === 'rekey_session' || c.name === '__Host-rekey_session',
    );
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });

  test('a cross-origin POST is refused: sign-out and server actions', async ({ page }) => {
    await signIn(page, 'admin@rekey.example');
    const signOut = await page.request.post('/auth/sign-out', {
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    });
    expect(signOut.status()).toBe(403);
    const action = await page.request.post('/settings/users', {
      headers: {
        origin: 'https://evil.example',
        'next-action': '0'.repeat(42),
        'content-type': 'text/plain;charset=UTF-8',
      },
      data: '[]',
      maxRedirects: 0,
    });
    expect(action.status()).toBeGreaterThanOrEqual(400);
    // Still signed in: the forged sign-out did nothing.
    expect((await page.request.get('/audit/export')).status()).toBe(200);
  });

  test('a viewer is sent to the 403 page that names the role needed', async ({ page }) => {
    await signIn(page, 'viewer@rekey.example');
    await page.goto('/settings/users');
    // Either a role exists (→ /forbidden?need=admin) or none was assigned yet (→ /auth/no-access).
    await expect(page).toHaveURL(/\/(forbidden\?need=admin|auth\/no-access)/);
    if (page.url().includes('/forbidden'))
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Admin role required');
  });

  test('rendered pages and the built client bundles carry no private key material', async ({ page }) => {
    await signIn(page, 'admin@rekey.example');
    const keyPaths: string[] = [];
    const manifestPath = path.join(DATA_DIR, 'sim', 'fleet.json');
    if (fs.existsSync(manifestPath)) {
      const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { managementApp: { privateKeyPath: string } };
      keyPaths.push(m.managementApp.privateKeyPath);
    }
    // A 64-character run from the middle of each real private key: it must appear nowhere.
    const fragments = keyPaths
      .filter((p) => fs.existsSync(p))
      .map((p) =>
        fs
          .readFileSync(p, 'utf8')
          .replace(/-----[^-]+-----|\s/g, '')
          .slice(100, 164),
      );
    const forbidden = [/PRIVATE KEY-----/, /"sealedPrivateKey"/, /REKEY_SESSION_SECRET|REKEY_MASTER_KEY/];

    for (const p of ['/', '/audit', '/settings/users', '/tenants', '/certificates', '/settings']) {
      const res = await page.request.get(p);
      if (res.status() === 404) continue;
      const html = await res.text();
      for (const re of forbidden) expect(html, `${p} matches ${re}`).not.toMatch(re);
      for (const f of fragments) expect(html.includes(f), `${p} contains private key bytes`).toBe(false);
    }

    const staticDir = path.join('.next', 'static');
    expect(fs.existsSync(staticDir), 'run against a production build').toBe(true);
    const files = (fs.readdirSync(staticDir, { recursive: true }) as string[]).filter((f) =>
      /\.(js|css|json|txt|map)$/.test(f),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = fs.readFileSync(path.join(staticDir, f), 'utf8');
      expect(text, f).not.toMatch(/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/);
      for (const fr of fragments) expect(text.includes(fr), `${f} contains private key bytes`).toBe(false);
    }
  });

  test('sign-out is a POST that ends the session', async ({ page }) => {
    await signIn(page, 'admin@rekey.example');
    const res = await page.request.post('/auth/sign-out', {
      headers: { origin: new URL(page.url()).origin },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(303);
    expect((await page.request.get('/audit/export')).status()).toBe(401);
  });
});
