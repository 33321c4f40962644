/**
 * The truth checker in the browser: the overview's "Exposed connectors" opens a list of exactly
 * that many rows, and that number is what the simulator (Microsoft 365) holds — every readable
 * connector app with a credential an advisory names, targeted tenants included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, signIn, test, USERS } from './fixtures';
import { dataDir, rekey } from './support/fleet-truth';
import { appsHoldingThumbprints, getJson, postJson, type SimManifest } from './support/simulator-truth';
import { queryStack } from './support/stack-database';

interface Runtime {
  databaseUrl: string;
  microsoft365: { authorityHost: string; caPath: string };
}
const runtime = (): Runtime => JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as Runtime;

const query = <T>(sql: string, params: unknown[] = []) => queryStack<T>(dataDir, sql, params);

const num = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

test('exposed connectors: the card, the list behind it and the simulator agree', async ({ page }) => {
  test.setTimeout(120_000);
  // Nothing in flight (another spec's rotation would hold old and new credentials for a moment).
  await expect
    .poll(
      async () =>
        (
          await query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "Rotation" WHERE state IN ('PENDING', 'RUNNING', 'WAITING')`,
          )
        )[0]!.n,
      { timeout: 60_000 },
    )
    .toBe(0);
  await signIn(page, USERS.admin, '/');
  const card = page.getByRole('region', { name: 'Key figures' }).getByRole('link', { name: /Exposed connectors/ });
  const shown = num(await card.locator('dd').first().textContent());

  const r = runtime();
  const ca = fs.readFileSync(r.microsoft365.caPath, 'utf8');
  const manifest = (await getJson<SimManifest>(`${r.microsoft365.authorityHost}/_sim/manifest`, ca)).body;
  const thumbprints = new Set(
    (await query<{ value: string }>(`SELECT upper(value) AS value FROM "AdvisoryIndicator" WHERE kind = 'sha1'`)).map(
      (x) => x.value,
    ),
  );
  const all = await appsHoldingThumbprints({ simUrl: r.microsoft365.authorityHost, ca, manifest, thumbprints });
  // Only the tenants Rekey manages: the simulator also holds tenants another spec adds later
  // (tenants.spec adds one by domain), which no figure of Rekey's can count before then.
  const managed = new Set(
    (await query<{ id: string }>(`SELECT "entraTenantId"::text AS id FROM "Tenant"`)).map((t) => t.id),
  );
  const truth = {
    holding: [...all.holding].filter((k) => managed.has(k.split('/')[0]!)),
    unreadable: all.unreadable.filter((id) => managed.has(id)),
  };
  const readable = truth.holding.filter((k) => !truth.unreadable.includes(k.split('/')[0]!));
  expect(readable.length).toBeGreaterThan(0);
  expect(shown).toBe(readable.length);

  await card.click();
  await expect(page).toHaveURL(/\/connectors\?status=exposed/);
  await expect(page.getByText(`${shown} vendor connector${shown === 1 ? '' : 's'} with status exposed`)).toBeVisible();

  // Tenants the simulator refuses are counted ("No access" / "Not scanned recently"), never silently
  // fine; each tile opens a list of exactly that many tenants.
  await page.goto('/');
  const figures = page.getByRole('region', { name: 'Key figures' });
  const tile = async (name: RegExp) =>
    num(await figures.getByRole('link', { name }).locator('dd').first().textContent());
  const noAccess = await tile(/^No access/);
  const notRecent = await tile(/^Not scanned recently/);
  expect(truth.unreadable.length).toBeGreaterThan(0); // the demo fleet has a tenant without consent
  expect(noAccess + notRecent).toBeGreaterThanOrEqual(truth.unreadable.length);
  await figures.getByRole('link', { name: /^No access/ }).click();
  await expect(page).toHaveURL(/\/tenants\?access=no_access/);
  await expect(page.getByText(new RegExp(`^${noAccess} tenants? with access “No access”`))).toBeVisible();
});

test('consent revoked then restored: Check consent says so, and a rotation succeeds without waiting for a token to expire', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const r = runtime();
  const ca = fs.readFileSync(r.microsoft365.caPath, 'utf8');
  const sim = r.microsoft365.authorityHost;
  const manifest = (await getJson<SimManifest>(`${sim}/_sim/manifest`, ca)).body;
  // A compromised connector no other spec rotates (they take UK, US and APAC), with nothing in flight.
  const [c] = await query<{
    id: string;
    appId: string;
    tenantId: string;
    entraTenantId: string;
    region: string;
    sha1: string;
  }>(
    `SELECT c.id, c."appId", t.id AS "tenantId", t."entraTenantId", t.region, upper(cert."sha1Thumbprint") AS sha1
     FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "Certificate" cert ON cert.id = c."currentCertificateId"
     WHERE c.status = 'compromised' AND t."consentState" = 'consented'
       AND NOT EXISTS (SELECT 1 FROM "Rotation" r WHERE r."connectorId" = c.id AND r.state IN ('PENDING', 'RUNNING', 'WAITING', 'NEEDS_ATTENTION'))
     ORDER BY (t.region IN ('UK', 'US', 'APAC')), t."displayName" LIMIT 1`,
  );
  expect(c, 'a compromised connector to rotate').toBeTruthy();
  const certs = JSON.parse((await rekey('certificates', 'list', '--json')).stdout) as {
    id: string;
    region: string | null;
    state: string;
    hasPrivateKey: boolean;
    notAfter: string;
  }[];
  const to = certs
    .filter((x) => x.region === c!.region && x.state === 'valid' && x.hasPrivateKey)
    .sort((a, b) => a.notAfter.localeCompare(b.notAfter))
    .at(-1);
  expect(to, `a replacement certificate for ${c!.region}`).toBeTruthy();
  const holding = async () =>
    (await appsHoldingThumbprints({ simUrl: sim, ca, manifest, thumbprints: new Set([c!.sha1]) })).holding.has(
      `${c!.entraTenantId}/${c!.appId}`,
    );
  expect(await holding()).toBe(true);

  // The tenant's admin removes Rekey's permissions.
  const appId = manifest.managementApp.appId;
  expect(
    (await postJson(`${sim}/_sim/tenants/${c!.entraTenantId}/revoke-consent`, ca, { appId, mode: 'remove-app-roles' }))
      .status,
  ).toBe(200);
  await signIn(page, USERS.admin, `/tenants/${c!.tenantId}`);
  await page.getByRole('button', { name: 'Check consent' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Consent check:' })).toContainText('Missing permissions');
  // A rotation started now cannot change the tenant: every process drops its token (the check bumped
  // the tenant's token generation), so the worker's fresh one carries no roles and it stops.
  const first = await rekey('rotate', '--connector', c!.id, '--to', to!.id, '--yes', '--json');
  expect(first.stderr).toBe('');
  const firstId = (JSON.parse(first.stdout) as { rotation: { id: string } }).rotation.id;
  const stateOf = async (id: string) =>
    (
      await query<{ state: string; errorMessage: string | null }>(
        `SELECT state, "errorMessage" FROM "Rotation" WHERE id = $1`,
        [id],
      )
    )[0]!;
  await expect
    .poll(async () => (await stateOf(firstId)).state, { timeout: 60_000, intervals: [1_000, 2_000] })
    .toMatch(/^(NEEDS_ATTENTION|FAILED)$/);
  expect((await stateOf(firstId)).errorMessage).toMatch(/Application\.ReadWrite\.All|permission|consent/i);

  // Consent restored: the check says so, and a rotation succeeds now (a token issued before the
  // change would still carry no roles for up to an hour).
  expect(
    (
      await postJson(`${sim}/_sim/tenants/${c!.entraTenantId}/grant-consent`, ca, {
        appId,
        roles: manifest.managementApp.graphRoles,
      })
    ).status,
  ).toBe(200);
  await page.getByRole('button', { name: 'Check consent' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Consent check:' })).toContainText('Consented');
  // Readable again: the tenant still holds the compromised key (nothing was changed while it was not).
  expect(await holding()).toBe(true);
  // Retry (or, when the first one could not be retried, rotate again): it succeeds now.
  let rotationId = firstId;
  if ((await stateOf(firstId)).state === 'NEEDS_ATTENTION') {
    const retried = await rekey('rotations', 'retry', firstId);
    expect(retried.code, retried.stderr).toBe(0);
  } else {
    const again = await rekey('rotate', '--connector', c!.id, '--to', to!.id, '--yes', '--json');
    expect(again.stderr).toBe('');
    rotationId = (JSON.parse(again.stdout) as { rotation: { id: string } }).rotation.id;
  }
  await expect
    .poll(
      async () =>
        (await query<{ state: string }>(`SELECT state FROM "Rotation" WHERE id = $1`, [rotationId]))[0]!.state,
      { timeout: 90_000, intervals: [1_000, 2_000] },
    )
    .toBe('SUCCEEDED');
  await page.goto(`/rotations/${rotationId}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // The simulator agrees: the compromised credential is gone from the app.
  expect(await holding()).toBe(false);
});

test('navigation shows only what the role can use; bulk actions wait for a selection', async ({ page }) => {
  await signIn(page, USERS.viewer, '/');
  const nav = page.getByRole('navigation', { name: 'Primary' }).first();
  await expect(nav.getByRole('link', { name: 'Overview' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await signIn(page, USERS.admin, '/');
  await expect(
    page.getByRole('navigation', { name: 'Primary' }).first().getByRole('link', { name: 'Settings' }),
  ).toBeVisible();

  await signIn(page, USERS.operator, '/connectors');
  const bulk = page.getByRole('button', { name: 'Rotate selected as a campaign' });
  await expect(bulk).toBeDisabled();
  await page
    .getByRole('table', { name: 'Connectors' })
    .getByRole('checkbox', { name: /^Select (?!all)/ })
    .first()
    .check();
  await expect(bulk).toBeEnabled();
});
