/**
 * Shared Playwright fixtures: every page fails its test on a browser console error or an uncaught
 * page error, and `signIn(upn)` goes through the simulator's real sign-in page.
 */
import { expect, test as base, type Cookie, type Page } from '@playwright/test';

export const USERS = {
  admin: 'admin@rekey.example',
  operator: 'operator@rekey.example',
  scoped: 'eu-operator@rekey.example',
  viewer: 'viewer@rekey.example',
} as const;

/** Signs `upn` in through the simulator's real sign-in page (authorize, the account picker, the callback). */
export async function signInThroughSimulator(page: Page, upn: string, returnTo = '/'): Promise<void> {
  await page.goto(`/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
  await page.locator(`button[data-upn="${upn}"]`).click();
  const base = new URL(test.info().project.use.baseURL ?? 'http://localhost:3100');
  await page.waitForURL((url) => url.host === base.host && !url.pathname.startsWith('/auth/'));
}

/** Each user's session cookies, from their first sign-in in this worker (specs run one at a time on one stack). */
const sessions = new Map<string, Cookie[]>();

/**
 * Opens `returnTo` signed in as `upn`: through the simulator's sign-in page the first time in this
 * worker, then with that session's cookies — a sign-in is three page loads through the simulator,
 * and the flow itself is what security.spec.ts and ops.spec.ts test. A session that has ended
 * (signed out, revoked) is replaced by a real sign-in.
 */
export async function signIn(page: Page, upn: string, returnTo = '/'): Promise<void> {
  const saved = sessions.get(upn);
  if (saved) {
    await page.context().addCookies(saved);
    await page.goto(returnTo);
    if (!new URL(page.url()).pathname.startsWith('/auth/')) return;
    sessions.delete(upn);
  }
  await signInThroughSimulator(page, upn, returnTo);
  sessions.set(upn, await page.context().cookies());
}

export const test = base.extend<{ consoleErrors: string[] }>({
  // The simulator serves HTTPS with its own CA, which this Chromium does not trust.
  ignoreHTTPSErrors: true,
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url ?? ''}`.trim());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await use(errors);
      expect(errors, 'browser console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
