/**
 * Issue 18, all credential kinds, through the tenant page: a client secret planted on a connector
 * application behind Rekey's back shows as drift (kind and hint, never a value) after Scan now; an
 * admin removes it from the connector page with the typed confirmation, and the simulator — read
 * the way Microsoft is read — no longer holds it. The fleet is left as found (the secret is gone;
 * Rekey's scan and the removal re-classified the connector).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, signIn, test, USERS } from './fixtures';
import { appCredentialKinds, postJson, type SimManifest } from './support/simulator-truth';

const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? '.data/e2e');
const simUrl = `https://localhost:${process.env.E2E_SIM_PORT ?? '4453'}`;
const ca = () => fs.readFileSync(path.join(dataDir, 'sim', 'ca.pem'), 'utf8');
type Manifest = Omit<SimManifest, 'tenants'> & {
  tenants: (SimManifest['tenants'][number] & {
    scenarios: string[];
    connectors: { appId: string; displayName: string }[];
  })[];
};
const manifest = (): Manifest =>
  JSON.parse(fs.readFileSync(path.join(dataDir, 'sim', 'fleet.json'), 'utf8')) as Manifest;

test('a planted client secret shows as drift on the tenant page; an admin removes it and the tenant no longer holds it', async ({
  page,
}) => {
  const m = manifest();
  // A plain tenant (no scenario) with a connector; not the one consent.spec revokes (the last plain one).
  const t = m.tenants.find((x) => x.scenarios.length === 0 && x.connectors.length > 0)!;
  const c = t.connectors[0]!;
  const read = () =>
    appCredentialKinds({ simUrl, ca: ca(), manifest: m as SimManifest, tenantId: t.id, appId: c.appId });
  const planted = await postJson<{ keyId: string; hint: string; secretText: string }>(
    `${simUrl}/_sim/tenants/${t.id}/password-credentials`,
    ca(),
    { appId: c.appId, displayName: 'not the vendor' },
  );
  expect(planted.status).toBe(200);
  const { keyId, hint, secretText } = planted.body;
  expect((await read()).secrets).toContain(keyId);

  try {
    await signIn(page, USERS.admin, `/tenants?q=${encodeURIComponent(t.name)}`);
    await page.getByRole('table', { name: 'Tenants' }).getByRole('link', { name: t.name }).click();
    await expect(page.getByRole('heading', { level: 1, name: t.name })).toBeVisible();
    await page.getByRole('button', { name: 'Scan now' }).click();
    await expect(page.getByText('Scan finished')).toBeVisible({ timeout: 30_000 });

    const drift = page.getByRole('region', { name: 'Drift' });
    const item = drift.getByRole('listitem').filter({ hasText: c.displayName });
    await expect(item.getByText('Unknown credential')).toBeVisible();
    await expect(item).toContainText('client secret on the application');
    await expect(item).toContainText(`${hint}…`);
    await expect(item).toContainText(keyId);
    // Never the secret value.
    await expect(page.locator('body')).not.toContainText(secretText);

    await item.getByRole('link', { name: c.displayName }).click();
    await expect(page.getByRole('heading', { level: 1, name: c.displayName })).toBeVisible();
    const unknown = page
      .getByRole('list', { name: 'Unknown credentials' })
      .getByRole('listitem')
      .filter({ hasText: keyId });
    await expect(unknown).toContainText('Unknown client secret on the application');
    await unknown.getByRole('button', { name: 'Remove unknown credential' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Remove this credential from the tenant?' });
    await expect(dialog).toContainText('Anyone who knows this client secret');
    await dialog.getByLabel(/Type .* to confirm/).fill(keyId.slice(0, 8));
    await dialog.getByRole('button', { name: 'Remove credential' }).click();
    await expect(page.getByText(`Removed credential ${keyId.slice(0, 8)}…`)).toBeVisible({ timeout: 30_000 });

    // The simulator, read as Microsoft is read, no longer holds it; Rekey shows no unknown credential.
    expect((await read()).secrets).not.toContain(keyId);
    await page.reload();
    await expect(page.getByRole('list', { name: 'Unknown credentials' })).toHaveCount(0);
  } finally {
    // Leave the fleet as found even when an assertion failed part-way.
    if ((await read()).secrets.includes(keyId)) {
      await postJson(`${simUrl}/_sim/tenants/${t.id}/password-credentials/remove`, ca(), { appId: c.appId, keyId });
    }
  }
});
