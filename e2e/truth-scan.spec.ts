/**
 * Fleet truth for what only a scan can learn, in the browser: a credential added behind Rekey's back
 * (drift) and a tenant Rekey has never scanned. Each scenario first shows the truth checker naming
 * what Rekey cannot know yet (so it can fail), then the pages, the overview, the security report
 * and `rekey … --json` after Rekey looked, compared with the simulator. The spec leaves the fleet as
 * it found it: the planted key is removed through Rekey's own page and the tenant rescanned.
 */
import { X509Certificate } from 'node:crypto';
import type { Page } from '@playwright/test';
import { buildCert } from '../lib/testing/certs';
import { checkTruth, type ConnectorClaim } from '../lib/testing/truth-checker';
import { expect, signIn, test, USERS } from './fixtures';
import { everyClaim, nothingInFlight, stackDb, stackSimulator } from './support/fleet-truth';

test.describe.configure({ mode: 'serial' });

const num = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

/** How many connectors the overview's "Connectors by status" chart and the list behind it call drift. */
async function driftShown(page: Page): Promise<{ chart: number; list: number }> {
  await page.goto('/');
  const chart = await page.getByRole('img', { name: /^Connectors by status:/ }).getAttribute('aria-label');
  const m = /\bDrift ([\d,]+)/.exec(chart ?? '');
  await page.goto('/connectors?status=drift');
  const line = await page
    .getByText(/vendor connectors? with status drift/)
    .first()
    .textContent();
  return {
    chart: m ? num(m[1]!) : 0,
    list: num(/([\d,]+) vendor connectors? with status drift/.exec(line ?? '')?.[1] ?? null),
  };
}

/** The connector's status as its own page shows it (the chip beside its name), as a checker claim. */
async function connectorPageClaim(
  page: Page,
  c: { id: string; entraTenantId: string; appId: string },
): Promise<ConnectorClaim> {
  await page.goto(`/connectors/${c.id}`);
  const chip = page.getByRole('heading', { level: 1 }).locator('span[title]').first();
  return {
    where: 'the connector page',
    entraTenantId: c.entraTenantId,
    appId: c.appId,
    status: ((await chip.textContent()) ?? '').trim().toLowerCase(),
  };
}

test('a drifted credential: named stale until Scan now, then the pages, the overview and the checker agree; removed and rescanned', async ({
  page,
}) => {
  test.setTimeout(360_000);
  const db = stackDb();
  const sim = await stackSimulator();
  await nothingInFlight(db);
  // A healthy connector in a readable tenant nobody else touches: nothing exposed or drifted, no rotation.
  const [c] = await db.$queryRaw<
    { id: string; name: string; appId: string; tenantId: string; tenant: string; entraTenantId: string }[]
  >`
    SELECT c.id, c."displayName" AS name, c."appId", t.id AS "tenantId", t."displayName" AS tenant,
           t."entraTenantId"::text AS "entraTenantId"
    FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId"
    WHERE c.status = 'healthy' AND c."credentialOn" = 'application' AND t."consentState" = 'consented' AND t."lastScanError" IS NULL
      AND t."lastScanAt" > now() - interval '12 hours'
      AND NOT EXISTS (SELECT 1 FROM "Connector" x WHERE x."tenantId" = t.id AND x.status IN ('targeted', 'compromised', 'drift'))
      AND NOT EXISTS (SELECT 1 FROM "Rotation" r JOIN "Connector" y ON y.id = r."connectorId" WHERE y."tenantId" = t.id)
    ORDER BY t."displayName" DESC, c."displayName" LIMIT 1`;
  expect(c, 'a healthy connector in an untouched readable tenant').toBeTruthy();
  await signIn(page, USERS.operator, '/');
  const before = await driftShown(page);
  expect(before.chart).toBe(before.list);

  // Someone with access to the tenant adds a certificate to the connector's app, outside Rekey.
  const rogue = buildCert({
    subject: 'CN=planted-behind-rekeys-back',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 300 * 86_400_000),
  });
  const sha1 = new X509Certificate(rogue.pem).fingerprint.replace(/:/g, '').toUpperCase();
  const planted = await sim.addKeyCredential(c!.entraTenantId, c!.appId, rogue.pem);
  expect(planted.status).toBe(200);
  const keyId = planted.body.keyId;

  // Before Rekey looks, it still says healthy; the checker names the connector, the page that says
  // so, and Rekey's last scan of the tenant (stale), never agreeing silently.
  const pageSaysHealthy = await connectorPageClaim(page, c!);
  expect(pageSaysHealthy.status).toBe('healthy');
  const name = `${c!.tenant} / ${c!.name}`;
  await expect
    .poll(
      async () =>
        (
          await checkTruth(db, await sim.read([c!.entraTenantId]), {
            now: new Date(),
            shown: { connectors: [pageSaysHealthy] },
          })
        ).mismatches,
      { timeout: 30_000 },
    )
    .toEqual([
      `${name}: the app holds 1 credential(s) Rekey did not add (${sha1}), but Rekey says healthy — stale: Rekey's last successful scan of ${c!.tenant} was ${(
        await db.tenant.findUniqueOrThrow({ where: { id: c!.tenantId } })
      ).lastScanAt!.toISOString()}, and it has not looked since`,
      `${name}: the connector page shows healthy, but the app holds 1 credential(s) Rekey did not add (${sha1})`,
    ]);

  // The operator scans the tenant: the scan reports the drift, the tenant and connector pages name the
  // unknown credential, and the overview's chart and the list behind it count one more drifted connector.
  await page.goto(`/tenants/${c!.tenantId}`);
  await page.getByRole('button', { name: 'Scan now' }).click();
  await expect(page.locator('[aria-live="polite"]').filter({ hasText: 'Scan finished' })).toContainText(
    /\b1 with drift/,
    {
      timeout: 60_000,
    },
  );
  await page.reload();
  const figures = page.getByRole('region', { name: 'Key figures' });
  await expect(
    figures
      .locator('dl')
      .filter({ has: page.locator('dt', { hasText: 'With drift' }) })
      .locator('dd')
      .first(),
  ).toHaveText('1');
  const drift = page.getByRole('region', { name: 'Drift' });
  await expect(drift.getByRole('link', { name: c!.name })).toBeVisible();
  await expect(drift.getByText(sha1)).toBeVisible();
  const pageSaysDrift = await connectorPageClaim(page, c!);
  expect(pageSaysDrift.status).toBe('drift');
  const unknown = page.getByRole('list', { name: 'Unknown credentials' });
  await expect(unknown).toContainText('Unknown certificate on the application');
  await expect(unknown).toContainText(sha1);
  expect(await driftShown(page)).toEqual({ chart: before.chart + 1, list: before.list + 1 });

  // Every figure, tenant and connector the browser and the CLI show now agrees with the simulator.
  const shown = await everyClaim(page, db, [pageSaysDrift]);
  expect(shown.connectors.find((x) => x.where.startsWith('rekey') && x.appId === c!.appId)?.status).toBe('drift');
  await expect
    .poll(async () => (await checkTruth(db, await sim.read(), { now: new Date(), shown })).mismatches, {
      timeout: 60_000,
      intervals: [2_000, 5_000],
    })
    .toEqual([]);

  // The operator removes the unknown credential from Rekey's connector page (typing its key id's
  // first 8 characters); the simulator confirms it gone; a rescan puts the connector back to healthy.
  await page.goto(`/connectors/${c!.id}`);
  await page.getByRole('button', { name: 'Remove unknown credential' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByRole('textbox').fill(keyId.slice(0, 8));
  await dialog.getByRole('button', { name: 'Remove credential' }).click();
  await expect(page.getByRole('status').filter({ hasText: `credential ${keyId.slice(0, 8)}` })).toContainText(
    /Removed credential|was already gone/,
  );
  await expect
    .poll(async () => (await sim.read([c!.entraTenantId]))[0]!.apps.find((a) => a.appId === c!.appId)?.sha1, {
      timeout: 30_000,
    })
    .not.toContain(sha1);
  await page.goto(`/tenants/${c!.tenantId}`);
  await page.getByRole('button', { name: 'Scan now' }).click();
  await expect(page.locator('[aria-live="polite"]').filter({ hasText: 'Scan finished' })).toContainText(
    /\b0 with drift/,
    {
      timeout: 60_000,
    },
  );
  expect((await connectorPageClaim(page, c!)).status).toBe('healthy');
  expect(await driftShown(page)).toEqual(before);
  const after = await checkTruth(db, await sim.read([c!.entraTenantId]), {
    now: new Date(),
    shown: { connectors: [await connectorPageClaim(page, c!)] },
  });
  expect(after.mismatches).toEqual([]);
});

test('a tenant never scanned: "Not scanned recently" on the overview tile, the tenants filter and the security report, and the checker agrees', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const db = stackDb();
  const sim = await stackSimulator();
  await nothingInFlight(db);
  // The home tenant: e2e/tenants.spec.ts onboards it and grants consent, and nothing scans it (the
  // stack pauses the scheduled fleet scan). Alone, this spec onboards it the same way.
  const home = sim.manifest.homeTenant;
  let t = await db.tenant.findUnique({ where: { entraTenantId: home.id } });
  if (!t) {
    await signIn(page, USERS.admin, '/tenants/new');
    const add = page.getByRole('form', { name: 'Add one tenant' });
    await add.getByLabel('Tenant id or domain').fill(home.id);
    await add.getByLabel('Name').fill(home.name);
    await add.getByLabel('Region').fill('EU');
    await add.getByLabel('Group').fill('Internal');
    await add.getByRole('button', { name: 'Add tenant' }).click();
    await expect(page.getByText(`Tenant added: ${home.name}`)).toBeVisible();
    t = await db.tenant.findUniqueOrThrow({ where: { entraTenantId: home.id } });
  }
  // The stack runs with REKEY_SCHEDULED_FLEET_SCAN=off (playwright.config.ts), so nothing has scanned it.
  expect(
    t.lastScanAt,
    `${t.displayName} was scanned at ${t.lastScanAt?.toISOString()}: nothing may scan it`,
  ).toBeNull();
  if (t.consentState !== 'consented') {
    expect(await sim.grantConsent(home.id)).toBe(200);
    await signIn(page, USERS.admin, `/tenants/${t.id}`);
    await page.getByRole('button', { name: 'Check consent' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Consent check:' })).toContainText('Consented');
  }

  await signIn(page, USERS.viewer, `/tenants/${t.id}`);
  await expect(page.getByText('Not scanned recently: Rekey cannot vouch for this tenant now')).toBeVisible();
  await expect(page.getByText(/^Last known state: .*, never scanned\.$/)).toBeVisible();
  const shown = await everyClaim(page, db);
  const tile = shown.figures.find((f) => f.where === 'the overview tile "Not scanned recently"')!;
  expect(tile.value).toBeGreaterThanOrEqual(1);
  for (const f of shown.figures.filter((x) => x.figure === 'notScannedRecently'))
    expect(f.value, f.where).toBe(tile.value);
  await page.goto('/tenants?access=not_scanned_recently');
  const row = page.getByRole('table').getByRole('row').filter({ hasText: t.displayName });
  await expect(row).toContainText('Not scanned recently');
  const listed = shown.tenants.filter((x) => x.entraTenantId === home.id);
  expect(listed.map((x) => x.access)).toEqual(listed.map(() => 'not_scanned_recently'));
  expect(listed.length).toBeGreaterThanOrEqual(2);

  const truth = await checkTruth(db, await sim.read(), { now: new Date(), shown });
  expect(truth.mismatches).toEqual([]);
  expect(truth.tenants.get(home.id)?.access).toBe('not_scanned_recently');
  expect(truth.expected.notScannedRecently).toBe(tile.value);
  // Had any of them called the tenant readable, or left it out of the count, the checker says so.
  const lie = await checkTruth(db, await sim.read([home.id]), {
    now: new Date(),
    shown: { tenants: [{ ...listed[0]!, access: 'ok' }] },
  });
  expect(lie.mismatches).toEqual([
    `${t.displayName}: ${listed[0]!.where} shows access ok, the truth is not_scanned_recently`,
  ]);
});
