/**
 * The rotation wizard, the rotation detail page and the connector page, end to end against the
 * stack (`scripts/start.ts`: Postgres, the Microsoft 365 simulator with the 40-tenant demo fleet,
 * next start and the worker, which runs every rotation step for real against the simulator).
 *
 * Tests in this file run in order on one seeded stack; each uses its own connector.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, signIn, test, USERS } from './fixtures';
import { ROTATION_TENANTS } from './support/reserved-tenants';

const SIM = `https://localhost:${process.env.E2E_SIM_PORT ?? '4453'}`;

async function simFaults(request: APIRequestContext, body: Record<string, unknown> | null): Promise<void> {
  const res = body
    ? await request.post(`${SIM}/_sim/faults`, { data: body, ignoreHTTPSErrors: true })
    : await request.delete(`${SIM}/_sim/faults`, { ignoreHTTPSErrors: true });
  expect(res.ok(), await res.text()).toBe(true);
}

/** Opens a connector's page from the connectors list (searching by tenant name). */
async function openConnector(page: Page, tenant: string, connector: string): Promise<void> {
  await page.goto(`/connectors?q=${encodeURIComponent(tenant)}`);
  await page.getByRole('link', { name: connector, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(connector);
}

/** Review → New certificate (the region's replacement) → Preflight (all pass) → Confirm. */
async function walkWizard(page: Page, mode: RegExp, region: string): Promise<void> {
  await page.getByRole('link', { name: 'Rotate', exact: true }).click();
  await expect(page).toHaveURL(/\/rotations\/new\?connector=[0-9a-f-]{36}/);
  await expect(page.getByRole('region', { name: 'Credentials in the tenant' })).toBeVisible();
  await page.getByRole('radio', { name: mode }).check();
  await page.getByRole('button', { name: 'Next: New certificate' }).click();

  const replacement = page.getByRole('radio', { name: /Region’s replacement/ });
  await expect(replacement).toBeChecked();
  await expect(replacement).toHaveAccessibleName(new RegExp(`Litware Connect 2027 · ${region}`));
  await expect(page.getByText('Entra ID accepts this certificate as an application credential.')).toBeVisible();
  await page.getByRole('button', { name: 'Next: Preflight' }).click();

  const checks = page.getByRole('list', { name: 'Preflight checks' });
  await expect(checks).toBeVisible();
  await expect(checks.getByText('Consent and permissions')).toBeVisible();
  await expect(checks.getByText('Nothing else rotating this connector')).toBeVisible();
  await expect(page.getByText(/^Every check passed/)).toBeVisible();
  await page.getByRole('link', { name: 'Next: Confirm' }).click();
  await expect(page.getByRole('list', { name: 'Steps Rekey will run' })).toBeVisible();
}

test('an operator rotates a compromised connector to its region’s replacement certificate (Rotate key) and sees the evidence', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signIn(page, USERS.operator, '/');
  await openConnector(page, ROTATION_TENANTS.rotate, 'Internal Mail Protection');
  await expect(page.getByRole('list', { name: 'Status reasons' })).toContainText(/compromised/i);

  await walkWizard(page, /^Rotate key/, 'US');
  await page.getByRole('button', { name: 'Start rotation' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Remove the old credential');
  await dialog.getByRole('button', { name: 'Start rotation' }).click();

  await expect(page).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 150_000 });
  // Verified by a sign-in with the new key, or (when the engine could not use the key) by its presence.
  await expect(
    page.getByText(/A token request with the new key succeeded|The new credential is present and valid/),
  ).toBeVisible();
  const before = page.getByRole('region', { name: 'Credentials before' });
  const after = page.getByRole('region', { name: 'Credentials after' });
  await expect(before.getByText('old', { exact: true })).toBeVisible();
  await expect(after.getByText('new', { exact: true })).toBeVisible();
  await expect(after.getByText('old', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Audit events' })).toContainText('rotation.started');

  // The connector page now lists it in its history and is no longer compromised.
  await page
    .getByRole('navigation', { name: 'Breadcrumb' })
    .getByRole('link', { name: /Internal Mail Protection/ })
    .click();
  await expect(page.getByRole('region', { name: 'Rotation history' })).toContainText('Succeeded');
  await expect(page.getByRole('heading', { level: 1 })).not.toContainText('Compromised');

  // The rotations list shows it, filtered by the operator who started it.
  await page.goto('/rotations?state=SUCCEEDED&actor=operator');
  await expect(
    page.getByRole('region', { name: 'Rotations' }).getByRole('link', { name: 'Internal Mail Protection' }).first(),
  ).toBeVisible();
});

test('a rotation that fails stops in Needs attention with the engine’s message, and Retry finishes it (Re-establish, typed confirmation)', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  await signIn(page, USERS.operator, '/');
  await openConnector(page, ROTATION_TENANTS.failAndRetry, 'Mailbox Archive Sync');
  await walkWizard(page, /^Re-establish connection/, 'APAC');

  // Microsoft Graph refuses Rekey (403) from now on: the rotation's preflight step will fail.
  await simFaults(request, { failNext: { count: 500, status: 403, target: 'graph' } });
  try {
    await page.getByRole('button', { name: 'Start rotation' }).click();
    const dialog = page.getByRole('alertdialog');
    const confirm = dialog.getByRole('button', { name: 'Start rotation' });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(/Type .* to confirm/).fill('Mailbox Archive Sync');
    await confirm.click();

    await expect(page).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Needs attention', { timeout: 120_000 });
    await expect(page.getByTestId('rotation-error')).toContainText(/lacks .* in tenant Adatum 0024 Ltd/);
    await expect(page.getByTestId('rotation-error')).toContainText('Fix the cause and choose Retry');
    await expect(page.getByRole('button', { name: 'Cancel rotation' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Rotation steps' }).locator('li').first()).toContainText('Failed');
  } finally {
    await simFaults(request, null);
  }

  // The overview's "need attention" link lists it.
  await page.goto('/rotations?state=NEEDS_ATTENTION');
  await page
    .getByRole('region', { name: 'Rotations' })
    .getByRole('link', { name: 'Mailbox Archive Sync' })
    .first()
    .click();

  await page.getByRole('button', { name: 'Retry' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 150_000 });
  await expect(page.getByRole('region', { name: 'Audit events' })).toContainText('rotation.retry');
  await expect(page.getByRole('region', { name: 'Credentials after' }).getByText('new', { exact: true })).toBeVisible();
});

test('a viewer sees no Rotate button and gets the 403 page on the wizard', async ({ page }) => {
  await signIn(page, USERS.viewer, '/');
  await openConnector(page, ROTATION_TENANTS.viewer, 'Mailbox Archive Sync');
  await expect(page.getByRole('heading', { name: 'Sign-in evidence' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Rotate', exact: true })).toHaveCount(0);
  const connectorId = /\/connectors\/([0-9a-f-]{36})/.exec(page.url())![1]!;

  // Fetched with the viewer's session rather than rendered: in a browser, the 403 page's own
  // sign-in link prefetch is refused by the CSP (a console error outside this feature).
  // The wizard redirects (a real 3xx, the page does not stream) to the 403 page.
  const res = await page.request.get(`/rotations/new?connector=${connectorId}`);
  expect(res.url()).toContain('/forbidden?need=operator');
  const body = await res.text();
  expect(body).toContain('Operator role required');
  expect(body).not.toContain('Next: New certificate');

  // Viewers may still follow rotations.
  await page.goto('/rotations');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rotations');
});
