/**
 * Advisories: pasting a thumbprint of a certificate some connectors use creates the advisory and
 * re-classifies them in the same step (counts and chips appear); a paste with a bad row is
 * refused, naming the row, and nothing is created.
 */
import type { Page } from '@playwright/test';
import { expect, signIn as signInAs, test, USERS } from './fixtures';

async function advisoryCount(page: Page): Promise<number> {
  await page.goto('/advisories');
  await expect(page.getByRole('heading', { level: 1, name: 'Advisories' })).toBeVisible();
  return page.getByRole('table', { name: 'Advisories' }).locator('tbody tr').count();
}

test('a paste with a bad row is refused, naming the row, and nothing is created', async ({ page }) => {
  await signInAs(page, USERS.operator, '/advisories');
  const before = await advisoryCount(page);
  await page.goto('/advisories/new');
  const form = page.getByRole('form', { name: 'New advisory from pasted indicators' });
  await form
    .getByLabel('Thumbprints or serial numbers')
    .fill(`${'AB'.repeat(20)}\nthis is not a thumbprint\n${'CD'.repeat(32)}`);
  await form.getByLabel('Title').fill('E2E refused advisory');
  await form.getByRole('button', { name: 'Create advisory' }).click();
  await expect(form.getByText('The advisory was not saved', { exact: true })).toBeVisible();
  await expect(form.getByText(/row 2:/)).toBeVisible();
  // The paste is still there to be fixed.
  await expect(form.getByLabel('Thumbprints or serial numbers')).toHaveValue(/this is not a thumbprint/);
  expect(await advisoryCount(page)).toBe(before);
  await expect(page.getByText('E2E refused advisory')).toHaveCount(0);
});

test('pasting the thumbprint of a certificate in use re-classifies its connectors', async ({ page }) => {
  // The vendor's certificate about to expire: used by some connectors, not compromised (on a fresh stack).
  await signInAs(page, USERS.admin, '/certificates?q=vendor-expiring');
  const row = page.getByRole('table', { name: 'Certificate inventory' }).locator('tbody tr').first();
  await expect(row).toBeVisible();
  const thumbprint = (await row.locator('code').first().textContent())!.trim();
  expect(thumbprint).toMatch(/^[0-9A-Fa-f]{40}$/);

  await page.goto('/advisories/new');
  const form = page.getByRole('form', { name: 'New advisory from pasted indicators' });
  await form.getByLabel('Thumbprints or serial numbers').fill(`# from the e2e test\n${thumbprint}`);
  await form.getByLabel('Title').fill('E2E expiring certificate leaked');
  await form.getByLabel('Severity').selectOption('high');
  await form.getByLabel('Guidance').fill('Rotate to the 2027 certificate.');
  await form.getByRole('button', { name: 'Create advisory' }).click();

  await expect(page).toHaveURL(/\/advisories\/[0-9a-f-]{36}\?created=1/);
  await expect(page.getByRole('heading', { level: 1, name: 'E2E expiring certificate leaked' })).toBeVisible();
  const saved = page.getByText(/connectors? matched its indicators/);
  await expect(saved).toBeVisible();
  const matched = Number((await saved.textContent())!.match(/([\d,]+) connectors? matched/)![1]!.replace(/,/g, ''));
  expect(matched).toBeGreaterThan(0);
  const table = page.getByRole('table', { name: 'Affected connectors' });
  await expect(table.locator('tbody tr').first()).toBeVisible();
  await expect(table.getByText('Compromised').first()).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Remediation progress' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create remediation campaign' })).toHaveAttribute(
    'href',
    /\/campaigns\/new\?advisory=/,
  );

  await page.goto('/advisories');
  const listed = page
    .getByRole('table', { name: 'Advisories' })
    .locator('tbody tr')
    .filter({ hasText: 'E2E expiring certificate leaked' })
    .first();
  await expect(listed).toContainText('high');
  await expect(listed.getByRole('progressbar')).toBeVisible();
});

test('detection settings refuse a bad vendor range naming the line; saving the policy says how many changed', async ({
  page,
}) => {
  await signInAs(page, USERS.admin, '/settings/detection');
  const form = page.getByRole('form', { name: 'Vendor egress ranges' });
  const ranges = form.getByLabel('Ranges');
  const before = await ranges.inputValue();
  await ranges.fill(`${before}\n# a comment\n10.0.0.0/33`);
  await form.getByRole('button', { name: 'Save and re-classify' }).click();
  await expect(
    form.getByText(/line \d+: '10\.0\.0\.0\/33' is not an IPv4\/IPv6 address or CIDR range/).first(),
  ).toBeVisible();
  await page.reload();
  await expect(page.getByRole('form', { name: 'Vendor egress ranges' }).getByLabel('Ranges')).toHaveValue(before);

  await page.goto('/settings/policy');
  const policy = page.getByRole('form', { name: 'Status policy' });
  await policy.getByRole('button', { name: 'Save and re-classify' }).click();
  await expect(policy.getByText(/connectors re-classified: [\d,]+ changed status/)).toBeVisible();
});

test('a viewer is refused Settings', async ({ page }) => {
  await signInAs(page, USERS.viewer, '/');
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/forbidden\?need=admin/);
});
