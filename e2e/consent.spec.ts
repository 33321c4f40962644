/**
 * Admin consent end to end: an operator opens admin consent from a tenant's page, the simulator's
 * consent page (account picker, the permissions, Accept) sends the browser back to Rekey's consent
 * callback, which checks the state and the tenant for real — and the simulator's token for the
 * management app in that tenant carries the granted permissions. A replayed callback is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, signIn, test, USERS } from './fixtures';
import { managementAppRoles, postJson, type SimManifest } from './support/simulator-truth';

const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? '.data/e2e');
const simUrl = `https://localhost:${process.env.E2E_SIM_PORT ?? '4453'}`;
const ca = () => fs.readFileSync(path.join(dataDir, 'sim', 'ca.pem'), 'utf8');
type Manifest = SimManifest & {
  tenants: (SimManifest['tenants'][number] & { scenarios: string[]; adminUserPrincipalName: string })[];
};
const manifest = (): Manifest =>
  JSON.parse(fs.readFileSync(path.join(dataDir, 'sim', 'fleet.json'), 'utf8')) as Manifest;

test('an operator opens admin consent, the tenant’s administrator accepts, and the simulator shows the grant', async ({
  page,
}) => {
  const m = manifest();
  // A plain tenant (no scenario), its permissions taken away in Entra ID first.
  const t = [...m.tenants].reverse().find((x) => x.scenarios.length === 0)!;
  const revoked = await postJson(`${simUrl}/_sim/tenants/${t.id}/revoke-consent`, ca(), {
    appId: m.managementApp.appId,
    mode: 'remove-app-roles',
  });
  expect(revoked.status).toBe(200);
  expect(await managementAppRoles({ simUrl, ca: ca(), manifest: m, tenantId: t.id })).toEqual([]);

  await signIn(page, USERS.operator, `/tenants?q=${encodeURIComponent(t.name)}`);
  await page.getByRole('table', { name: 'Tenants' }).getByRole('link', { name: t.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: t.name })).toBeVisible();
  await page.getByRole('link', { name: 'Open admin consent' }).click();

  // The simulator's consent pages: the redirect URI and state Rekey sent, an account, the permissions.
  await page.waitForURL((u) => u.origin === simUrl && u.pathname === `/${t.id}/adminconsent`);
  const sent = new URL(page.url()).searchParams;
  expect(sent.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/tenants\/consent-callback$/);
  expect(sent.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.locator(`button[data-upn="${t.adminUserPrincipalName}"]`).click();
  await expect(page.getByRole('heading', { name: 'Permissions requested' })).toBeVisible();
  for (const role of m.managementApp.graphRoles)
    await expect(page.locator(`li[data-permission="${role}"]`)).toBeVisible();
  await page.getByRole('button', { name: 'Accept' }).click();

  // Back in Rekey: granted, and verified with a token.
  await page.waitForURL((u) => u.pathname === '/tenants/consent-callback');
  const callback = page.url();
  expect(new URL(callback).searchParams.get('admin_consent')).toBe('True');
  const outcome = page.getByTestId('consent-outcome');
  await expect(outcome).toHaveAttribute('data-kind', 'granted');
  await expect(outcome).toContainText(`Rekey can now work in ${t.name}`);

  // Microsoft's side: the management app's token in the tenant carries every configured permission.
  expect(await managementAppRoles({ simUrl, ca: ca(), manifest: m, tenantId: t.id })).toEqual(
    [...m.managementApp.graphRoles].sort(),
  );
  // Rekey's side: the tenant page shows the check the callback ran.
  await outcome.getByRole('link', { name: t.name }).click();
  await expect(page.getByText('Consented').first()).toBeVisible();

  // The same callback again is a reload: same answer, nothing re-run. Another user cannot use it.
  await page.goto(callback);
  await expect(page.getByTestId('consent-outcome')).toHaveAttribute('data-kind', 'granted');
  await page.context().clearCookies();
  await signIn(page, USERS.admin, '/');
  await page.goto(callback);
  await expect(page.getByTestId('consent-outcome')).toHaveAttribute('data-kind', 'rejected');
  await expect(page.getByTestId('consent-outcome')).toContainText('started by another Rekey user');
});

test('a tampered callback (no state of this user) changes nothing', async ({ page }) => {
  await signIn(page, USERS.operator, '/tenants');
  const t = manifest().tenants[0]!;
  await page.goto(`/tenants/consent-callback?admin_consent=True&tenant=${t.id}&state=made-up`);
  await expect(page.getByTestId('consent-outcome')).toHaveAttribute('data-kind', 'rejected');
  await expect(page.getByTestId('consent-outcome')).toContainText('does not match any consent request');
});
