/**
 * Connectors that exist in a customer tenant only as the vendor's service principal (issue 18,
 * ADR 032), through the wizard as an operator clicks it: the demo fleet's "Litware Relay" rotates on
 * the service principal — the simulator must then hold the new key there and not the old — and
 * "Litware Relay Secure", whose vendor locked credential changes (app instance property lock), is
 * stopped at preflight with the way out, and the simulator still holds exactly its old key.
 */
import type { Page } from '@playwright/test';
import { expect, signIn, test, USERS } from './fixtures';
import { stackDb, stackSimulator } from './support/fleet-truth';
import { screenshotsAt1440And390 } from './support/screenshots';
import { passPreflight } from './support/wizard-journey';

test.describe.configure({ mode: 'serial' });

interface Relay {
  id: string;
  tenant: string;
  entraTenantId: string;
  appId: string;
  sha1: string;
}

async function relay(name: string): Promise<Relay> {
  const rows = await stackDb().$queryRaw<Relay[]>`
    SELECT c.id, t."displayName" AS tenant, t."entraTenantId"::text AS "entraTenantId", c."appId", upper(cert."sha1Thumbprint") AS sha1
    FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "Certificate" cert ON cert.id = c."currentCertificateId"
    WHERE c."displayName" = ${name} AND c."credentialOn" = 'servicePrincipal'`;
  expect(rows, `one ${name} connector, discovered on a service principal`).toHaveLength(1);
  return rows[0]!;
}

/** What the tenant holds for the connector, read through Graph as Microsoft would be read (application and service principal). */
async function heldBy(r: Relay): Promise<string[]> {
  const [t] = await (await stackSimulator()).read([r.entraTenantId]);
  expect(t?.readable).toBe(true);
  return t!.apps.find((a) => a.appId === r.appId)?.sha1 ?? [];
}

async function toPreflight(page: Page, r: Relay): Promise<void> {
  await signIn(page, USERS.operator, `/connectors/${r.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/Litware Relay/);
  await page.getByRole('link', { name: 'Rotate', exact: true }).click();
  await expect(page).toHaveURL(/\/rotations\/new\?connector=[0-9a-f-]{36}/);
  await page.getByRole('radio', { name: /^Rotate key/ }).check();
  await page.getByRole('button', { name: 'Next: New certificate' }).click();
  await expect(page.getByRole('radio', { name: /Region’s replacement/ })).toBeChecked();
  await page.getByRole('button', { name: 'Next: Preflight' }).click();
  await expect(page.getByRole('list', { name: 'Preflight checks' })).toBeVisible({ timeout: 30_000 });
}

test('an operator rotates a connector held by the vendor’s service principal; the simulator holds the new key there, not the old', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const r = await relay('Litware Relay');
  expect(await heldBy(r)).toEqual([r.sha1]);
  await toPreflight(page, r);
  const holder = page.getByRole('list', { name: 'Preflight checks' }).getByRole('listitem').filter({
    hasText: 'Rekey may change the credential',
  });
  await expect(holder).toContainText(
    'The credential is on the service principal (the vendor’s multi-tenant app), which is not locked',
  );
  await passPreflight(page);
  // This spec follows the rotation to its end: the old key goes once the new one works.
  const keep = page.getByRole('checkbox', { name: 'Keep the old key until the vendor’s service uses the new one' });
  if (await keep.isChecked()) await keep.uncheck();
  await page.getByRole('button', { name: 'Start rotation' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Start rotation' }).click();
  await expect(page).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 150_000 });

  // The claim, against the tenant: the new certificate on the service principal, the old one gone.
  const rotationId = /\/rotations\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  const [target] = await stackDb().$queryRaw<{ sha1: string }[]>`
    SELECT upper(cert."sha1Thumbprint") AS sha1 FROM "Rotation" ro JOIN "Certificate" cert ON cert.id = ro."toCertificateId"
    WHERE ro.id = ${rotationId}::uuid`;
  expect(target!.sha1).not.toBe(r.sha1);
  await expect.poll(() => heldBy(r), { timeout: 30_000 }).toEqual([target!.sha1]);
  await expect(page.getByRole('region', { name: 'Credentials after' }).getByText('new', { exact: true })).toBeVisible();
});

test('a connector whose vendor locked its service principals stops at preflight with the way out; nothing in the tenant changes', async ({
  page,
}) => {
  const r = await relay('Litware Relay Secure');
  const before = await heldBy(r);
  expect(before).toEqual([r.sha1]);
  await toPreflight(page, r);
  const holder = page.getByRole('list', { name: 'Preflight checks' }).getByRole('listitem').filter({
    hasText: 'Rekey may change the credential',
  });
  await expect(holder).toContainText('the vendor has locked credential changes on its service principals');
  await expect(holder).toContainText(
    'The way out: the vendor rotates the credential on its own application, or the customer re-establishes a customer-owned connection',
  );
  await expect(page.getByRole('alert').filter({ hasText: 'Fix the failed checks before starting' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next: Confirm' })).toBeDisabled();
  await screenshotsAt1440And390(page, 'sp-connector', 'locked-preflight');
  // A direct link to the Confirm step does not get past the failed preflight either.
  await page.goto(`/rotations/new?connector=${r.id}&mode=rotate&step=confirm`);
  await expect(page.getByRole('list', { name: 'Preflight checks' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start rotation' })).toHaveCount(0);
  expect(await heldBy(r)).toEqual(before);
  expect(
    await stackDb().rotation.count({ where: { connectorId: r.id } }),
    'no rotation was started for the locked connector',
  ).toBe(0);
});
