/**
 * Smoke: the product as `npm start` runs it (embedded PostgreSQL, simulator with a demo fleet,
 * seeded inventory) shows a working overview and tables, with no browser console errors.
 */
import { expect, signIn, test, USERS } from './fixtures';

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
