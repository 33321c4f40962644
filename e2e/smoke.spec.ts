/**
 * Smoke: the product as `npm start` runs it (embedded PostgreSQL, simulator with a demo fleet,
 * seeded inventory) shows a working overview and tables, with no browser console errors.
 */
import { statusMeta } from '../components/status/status-chip';
import { expect, signIn, test, USERS } from './fixtures';
import { stackDb } from './support/fleet-truth';

test('the overview shows the seeded fleet with its exposure and targeted tenants', async ({ page }) => {
  await signIn(page, USERS.admin, '/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const tenants = page.getByRole('link', { name: /^Tenants/ }).filter({ hasText: /\d/ });
  await expect(tenants.first()).toContainText('40');
  await expect(page.getByText(/targeted with a compromised certificate/)).toBeVisible();
  await expect(page.getByRole('img', { name: /Connectors by status/ })).toBeVisible();
});

test('the tenants table searches on the server and exports CSV', async ({ page }) => {
  await signIn(page, USERS.viewer, '/tenants');
  await expect(page.getByRole('table', { name: 'Tenants' })).toBeVisible();
  const firstName = (await page
    .getByRole('table', { name: 'Tenants' })
    .locator('tbody tr a')
    .first()
    .textContent())!.trim();
  await page.getByRole('searchbox').first().fill(firstName);
  await page.getByRole('searchbox').first().press('Enter');
  await expect(page).toHaveURL(/[?&]q=/);
  await expect(page.getByRole('table', { name: 'Tenants' }).locator('tbody tr')).toHaveCount(1);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(text).toString()).toContain(firstName);
});

test('the connectors table filters by status from the overview chart', async ({ page }) => {
  await signIn(page, USERS.operator, '/connectors?status=compromised');
  const rows = page.getByRole('table', { name: 'Connectors' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  for (const chip of await rows
    .locator('td')
    .filter({ hasText: /Compromised|Targeted|Healthy|Expired|Expiring|Stale|Drift/ })
    .allTextContents()) {
    expect(chip).toMatch(/Compromised/);
  }
});

test('the tenants table shows and hides columns from the keyboard; its cells and chips say what the database holds', async ({
  page,
}) => {
  await signIn(page, USERS.viewer, '/tenants');
  const table = page.getByRole('table', { name: 'Tenants' });
  const headers = async () => (await table.locator('thead th').allTextContents()).map((h) => h.trim());
  await expect(table.locator('tbody tr').first()).toBeVisible();
  expect(await headers()).toContain('Group');
  expect(await headers()).not.toContain('Sign-in logs');

  // Columns: open the disclosure, untick Group, tick Sign-in logs, Apply — keys only.
  const summary = page.locator('summary', { hasText: 'Columns' });
  await summary.focus();
  await page.keyboard.press('Enter');
  const chooser = page.getByRole('group', { name: 'Visible columns' });
  await expect(chooser).toBeVisible();
  await chooser.getByRole('checkbox', { name: 'Group' }).focus();
  await page.keyboard.press('Space');
  await chooser.getByRole('checkbox', { name: 'Sign-in logs' }).focus();
  await page.keyboard.press('Space');
  // Tab on to the chooser's own Apply (past the remaining boxes and Reset).
  const apply = page.locator('details').getByRole('button', { name: 'Apply' });
  for (let i = 0; i < 5 && !(await apply.evaluate((b) => b === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(apply).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]cols=/);
  await expect.poll(headers).toContain('Sign-in logs');
  expect(await headers()).not.toContain('Group');

  // Every row against the database: its sign-in log state and its consent chip, under the right header
  // (a sortable header's text ends with its screen-reader hint, ", sortable").
  const h = await headers();
  expect(h.findIndex((x) => x.startsWith('Consent'))).toBeGreaterThan(0);
  const rows = await table.locator('tbody tr').evaluateAll(
    (trs, [signIns, consent]) =>
      trs.map((tr) => {
        const chip = tr.children[consent]?.querySelector('span[title]');
        return {
          id: tr.querySelector('a[href^="/tenants/"]')?.getAttribute('href')?.split('/').pop() ?? '',
          signIns: (tr.children[signIns]?.textContent ?? '').trim(),
          consent: (chip?.textContent ?? '').trim(),
          // The chip's icon is its ::before, masked by the icon's SVG.
          icon: chip ? getComputedStyle(chip, '::before').maskImage : '',
        };
      }),
    [h.indexOf('Sign-in logs'), h.findIndex((x) => x.startsWith('Consent'))] as const,
  );
  expect(rows.length).toBeGreaterThan(10);
  const db = stackDb();
  const tenants = new Map(
    (
      await db.tenant.findMany({
        where: { id: { in: rows.map((r) => r.id) } },
        select: { id: true, signInLogState: true, consentState: true },
      })
    ).map((t) => [t.id, t]),
  );
  for (const r of rows) {
    const t = tenants.get(r.id);
    expect(t, `tenant ${r.id} of the table is in the database`).toBeDefined();
    expect(r.signIns).toBe(t!.signInLogState.replace(/_/g, ' '));
    expect(r.consent).toBe(statusMeta(t!.consentState, 'consent').label);
    expect(r.icon).toContain('data:image/svg+xml');
  }

  // The choice is in the URL: reload keeps it, Back returns to the default columns.
  await page.reload();
  await expect.poll(headers).toContain('Sign-in logs');
  await page.goBack();
  await expect.poll(headers).toContain('Group');
  expect(await headers()).not.toContain('Sign-in logs');
});

test('the navigation is one element: the sidebar at 1440 px, a drawer at 390 px that the keyboard opens, walks and closes', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, USERS.admin, '/');
  const primary = page.getByRole('navigation', { name: 'Primary' });
  // Rendered once (it was twice: sidebar and drawer).
  await expect(primary).toHaveCount(1);
  await expect(primary).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open navigation' })).toBeHidden();
  await expect(primary.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await page.screenshot({ path: test.info().outputPath('nav-1440.png') });
  await primary.getByRole('link', { name: 'Tenants' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tenants' })).toBeVisible();
  await expect(primary.getByRole('link', { name: 'Tenants' })).toHaveAttribute('aria-current', 'page');

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(primary).toBeHidden();
  const open = page.getByRole('button', { name: 'Open navigation' });
  await expect(open).toBeVisible();
  // Keyboard only: focus the button, open with Enter; focus lands on the current page's link.
  await open.focus();
  await page.keyboard.press('Enter');
  await expect(primary).toBeVisible();
  await expect(primary.getByRole('link', { name: 'Tenants' })).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('nav-390-open.png') });
  // The drawer fits the phone's width and sits at its left edge.
  const box = (await page.locator('#nav-panel').boundingBox())!;
  expect(box.x).toBe(0);
  expect(box.width).toBeLessThanOrEqual(390);
  // Escape closes it; Enter again and Tab to the next link, Enter follows it and the drawer closes.
  await page.keyboard.press('Escape');
  await expect(primary).toBeHidden();
  await open.focus();
  await page.keyboard.press('Enter');
  await expect(primary.getByRole('link', { name: 'Tenants' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(primary.getByRole('link', { name: 'Connectors' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Connectors' })).toBeVisible();
  await expect(primary).toBeHidden();

  // Opened at 390 px, then the window grows: the drawer closes and the sidebar shows in the page.
  await open.click();
  await expect(primary).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.locator('#nav-panel:popover-open')).toHaveCount(0);
  await expect(primary).toBeVisible();
  const sidebar = (await page.locator('#nav-panel').boundingBox())!;
  expect(sidebar.x).toBe(0);
  expect(Math.round(sidebar.width)).toBe(240);
});
