/**
 * Tenants: onboarding (CSV import all-or-nothing, single add by domain, consent link and check)
 * and the tenant page's evidence: the non-premium tenant says evidence is unavailable, a targeted
 * tenant lists unknown-address sign-ins, the drift tenant shows the unknown credential.
 * The simulator's manifest names the scenario tenants; its home tenant "Rekey Operations"
 * (rekeyops.onmicrosoft.com) exists in Entra ID but is not onboarded by the demo seed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, signIn as signInAs, test, USERS } from './fixtures';

const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? '.data/e2e');
type Manifest = {
  tenants: { id: string; name: string }[];
  scenarios: {
    nonPremiumTenantId: string | null;
    unknownCredentialTenantId: string | null;
    attackerTargetedTenantIds: string[];
  };
};
const manifest = (): Manifest =>
  JSON.parse(fs.readFileSync(path.join(dataDir, 'sim', 'fleet.json'), 'utf8')) as Manifest;
const nameOf = (id: string | null) => manifest().tenants.find((t) => t.id === id)!.name;

async function tenantCount(page: Page): Promise<string> {
  await page.goto('/tenants');
  const text = await page
    .getByRole('heading', { level: 1, name: 'Tenants' })
    .locator('xpath=following-sibling::p')
    .textContent();
  return text!.match(/^[\d,]+ tenant/)![0];
}

async function openTenant(page: Page, name: string): Promise<void> {
  await page.goto(`/tenants?q=${encodeURIComponent(name)}`);
  await page.getByRole('table', { name: 'Tenants' }).getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('a CSV with one bad row is refused, naming the row, and nothing is imported', async ({ page }) => {
  await signInAs(page, USERS.admin, '/tenants');
  const before = await tenantCount(page);
  await page.goto('/tenants/new');
  const form = page.getByRole('form', { name: 'Import tenants from CSV' });
  await form
    .getByLabel('CSV', { exact: true })
    .fill(
      'tenant,name,region,group\nrekeyops.onmicrosoft.com,Rekey Operations,EU,\nnot a tenant!,Broken Row,EU,\nnobody-here-0000.onmicrosoft.com,Nobody,US,',
    );
  await form.getByRole('button', { name: 'Import tenants' }).click();
  const report = page.getByRole('region', { name: 'Import report' });
  // Line 2 is fine on a fresh stack (already onboarded when the file runs again on the same data).
  await expect(report.getByText(/Nothing was imported: [23] of 3 rows have problems/)).toBeVisible();
  await expect(report.getByText(/Line 3: tenant is neither a valid tenant id/)).toBeVisible();
  await expect(
    report.getByText(/Line 4: no Entra ID tenant has the domain nobody-here-0000\.onmicrosoft\.com/),
  ).toBeVisible();
  const rows = report.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText('Invalid');
  await expect(rows.nth(2)).toContainText('Unknown domain');
  expect(await tenantCount(page)).toBe(before);
});

test('a valid CSV passes the dry run, then one tenant is added by domain with its consent link and check', async ({
  page,
}) => {
  await signInAs(page, USERS.admin, '/tenants/new');
  const importForm = page.getByRole('form', { name: 'Import tenants from CSV' });
  await importForm
    .getByLabel('CSV', { exact: true })
    .fill('tenant,name,region,group\nrekeyops.onmicrosoft.com,Rekey Operations,EU,Internal');
  await importForm.getByLabel('Check only (dry run)').check();
  await importForm.getByRole('button', { name: 'Import tenants' }).click();
  const report = page.getByRole('region', { name: 'Import report' });
  // A rerun against the same data directory finds the tenant already onboarded; both are clear answers.
  await expect(report.getByText(/Every row passed the check|already onboarded/).first()).toBeVisible();
  const already = await report.getByText(/already onboarded/).count();

  const add = page.getByRole('form', { name: 'Add one tenant' });
  await add.getByLabel('Tenant id or domain').fill('rekeyops.onmicrosoft.com');
  await add.getByLabel('Name').fill('Rekey Operations');
  await add.getByLabel('Region').fill('EU');
  await add.getByLabel('Group').fill('Internal');
  await add.getByRole('button', { name: 'Add tenant' }).click();
  if (already) {
    await expect(page.getByRole('alert').filter({ hasText: 'The tenant was not added' })).toContainText(
      'is already onboarded as "Rekey Operations"',
    );
    return;
  }
  await expect(page.getByText('Tenant added: Rekey Operations')).toBeVisible();
  await expect(page.locator('pre[aria-label^="Admin consent link"]')).toContainText('/admin-consent');
  // The home tenant holds the management app but has not granted it Graph permissions yet.
  const check = page.getByRole('status').filter({ hasText: 'Consent check:' });
  await page.getByRole('button', { name: 'Check consent' }).click();
  await expect(check).toContainText('Missing permissions');
  await expect(check).toContainText('grant it and re-consent');
  // Its administrator consents (the simulator's control API stands in for the consent page)…
  const m = JSON.parse(fs.readFileSync(path.join(dataDir, 'sim', 'fleet.json'), 'utf8')) as {
    homeTenant: { id: string };
    managementApp: { appId: string };
  };
  const granted = await page.request.post(
    `https://localhost:${process.env.E2E_SIM_PORT ?? '4453'}/_sim/tenants/${m.homeTenant.id}/grant-consent`,
    {
      data: {
        appId: m.managementApp.appId,
        roles: [
          'Application.ReadWrite.All',
          'AppRoleAssignment.ReadWrite.All',
          'AuditLog.Read.All',
          'Organization.Read.All',
          'Policy.Read.All',
        ],
      },
    },
  );
  expect(granted.ok()).toBe(true);
  // …and the next check says so.
  await page.getByRole('button', { name: 'Check consent' }).click();
  await expect(check).toContainText('Consented');

  await openTenant(page, 'Rekey Operations');
  await expect(page.getByText('rekeyops.onmicrosoft.com').first()).toBeVisible();
});

test('the non-premium tenant says its sign-in evidence is unavailable', async ({ page }) => {
  await signInAs(page, USERS.viewer, '/tenants');
  await openTenant(page, nameOf(manifest().scenarios.nonPremiumTenantId));
  await expect(page.getByText('Evidence unavailable: needs Entra ID P1/P2')).toBeVisible();
  // A viewer sees the facts but no operator buttons.
  await expect(page.getByRole('button', { name: 'Scan now' })).toHaveCount(0);
});

test('a targeted tenant lists sign-ins from unknown addresses', async ({ page }) => {
  await signInAs(page, USERS.operator, '/advisories');
  const targeted = page.getByRole('region', { name: 'Targeted tenants' });
  await expect(targeted).toBeVisible();
  await targeted.getByRole('link').first().click();
  await expect(page.getByText('This tenant was targeted with a compromised certificate')).toBeVisible();
  const evidence = page.getByRole('region', { name: 'Sign-in evidence' });
  await expect(evidence.getByText('Unknown address').first()).toBeVisible();
  await expect(evidence.getByText(/^203\.0\.113\./).first()).toBeVisible();
});

test('the drift tenant shows the unknown credential, and Scan now reports what it found', async ({ page }) => {
  await signInAs(page, USERS.operator, '/tenants');
  await openTenant(page, nameOf(manifest().scenarios.unknownCredentialTenantId));
  const drift = page.getByRole('region', { name: 'Drift' });
  await expect(drift.getByText('Unknown credential').first()).toBeVisible();
  await expect(
    page
      .getByRole('table', { name: /Credentials in the tenant/ })
      .first()
      .getByText('Unknown', { exact: true })
      .first(),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Scan now' }).click();
  await expect(page.getByText('Scan finished')).toBeVisible({ timeout: 30_000 });
  await expect(drift.getByText('Unknown credential').first()).toBeVisible();
});
