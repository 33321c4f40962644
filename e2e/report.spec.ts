/** The security lead's report: charts, targeted tenants with evidence, a tenant's evidence pack, CSV. */
import { expect, signIn, test, USERS } from './fixtures';

test('a viewer reads the security report, opens a tenant evidence pack and downloads the CSV', async ({ page }) => {
  await signIn(page, USERS.viewer, '/reports/security');
  await expect(page.getByRole('heading', { level: 1, name: 'Security report' })).toBeVisible();
  await expect(page.getByRole('img', { name: /Rotated share of exposed connectors/ })).toBeVisible();
  // The share is one ratio through the one formatter: its detail's "X of Y", never above 100 %.
  const summary = (await page.getByRole('region', { name: 'Summary' }).textContent()) ?? '';
  const [, shown, done, of] =
    /Rotated share([\d.]+)%([\d,]+) of ([\d,]+) exposed connectors remediated/.exec(summary) ?? [];
  const [d, o] = [Number(done?.replace(/,/g, '')), Number(of?.replace(/,/g, ''))];
  expect(o).toBeGreaterThan(0);
  expect(Number(shown)).toBeLessThanOrEqual(100);
  expect(Number(shown)).toBeCloseTo((d / o) * 100, 0);
  await expect(page.getByRole('img', { name: /Time to remediate/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Outstanding by severity' })).toContainText(/critical/i);
  const targeted = page.getByRole('region', { name: 'Targeted tenants' });
  await expect(targeted.locator('tbody tr').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print / save as PDF' })).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const csv = Buffer.concat(await (await (await download).createReadStream()).toArray()).toString();
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toMatch(/^tenant,entra_tenant_id,region,connector/);
  expect(lines.length).toBeGreaterThan(1);

  const tenant = (await targeted.locator('tbody tr a').first().textContent())!.trim();
  await targeted.locator('tbody tr a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Evidence pack: ${tenant}`);
  const signIns = page.getByRole('region', { name: 'Sign-ins from unknown addresses' }).last();
  await expect(signIns.locator('tbody tr').first()).toBeVisible();
  await expect(signIns).toContainText(/\d+\.\d+\.\d+\.\d+/);
  await expect(page.getByRole('heading', { level: 2, name: 'Connectors' })).toBeVisible();
});

test('the report filters by region and prints without the app shell', async ({ page }) => {
  await signIn(page, USERS.viewer, '/reports/security');
  const region = page.getByRole('combobox', { name: 'Region' });
  const options = await region.locator('option').allTextContents();
  await region.selectOption({ label: options[1]! });
  await page.getByRole('button', { name: 'Apply' }).first().click();
  await expect(page).toHaveURL(/region=/);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print / save as PDF' })).toBeHidden();
  await expect(page.locator('header').first()).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Security report' })).toBeVisible();
});

test('a viewer cannot open notification settings; an admin can', async ({ page }) => {
  await signIn(page, USERS.viewer, '/settings/notifications');
  await expect(page).toHaveURL(/\/forbidden/);
  await signIn(page, USERS.admin, '/settings/notifications');
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await expect(page.getByText('REKEY_SMTP_URL')).toBeVisible();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Notification settings saved.')).toBeVisible();
});
