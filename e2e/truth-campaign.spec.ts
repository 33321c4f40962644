/**
 * Fleet truth on the shared stack: a campaign run through the UI is checked against the simulator
 * tenant by tenant (one tenant's admin removes Rekey's permissions while the campaign runs, so that
 * tenant refuses the new key), mid-way, after the cancel and after the retry; the whole fleet as the
 * browser and the CLI show it is checked while that tenant is still refused. And
 * then every figure the browser and `rekey … --json` show is compared with what the simulator
 * holds by the truth checker — first on a planted lie (a tenant changed behind Rekey's back and not
 * rescanned), which it must name, then on the fleet as the spec leaves it.
 */
import type { Page } from '@playwright/test';
import { checkCampaignClaims, checkTruth, type CampaignClaims } from '../lib/testing/truth-checker';
import { expect, signIn, test, USERS } from './fixtures';
import {
  browserClaims,
  cliClaims,
  everyClaim,
  nothingInFlight,
  rekeyJson,
  rotatedSharePercent,
  stackDb,
  stackSimulator,
} from './support/fleet-truth';

test.describe.configure({ mode: 'serial' });

interface Picked {
  id: string;
  name: string;
  appId: string;
  tenantId: string;
  tenant: string;
  entraTenantId: string;
  sha1: string;
}

/** The campaign's claims as the page, its CSV export and the CLI show them. */
async function campaignClaims(page: Page, campaignId: string): Promise<CampaignClaims[]> {
  await page.goto(`/campaigns/${campaignId}`);
  const outcome = (await page.getByTestId('campaign-state').textContent()) ?? '';
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export results (CSV)' }).click();
  const csv = Buffer.concat(await (await (await download).createReadStream()).toArray()).toString();
  const [head, ...lines] = csv.trim().split(/\r\n/);
  const cols = head!.split(',');
  const at = (line: string[], c: string) => line[cols.indexOf(c)] ?? '';
  // Messages hold no commas before the columns read here (tenant names and ids are plain).
  const items = lines
    .map((l) => l.split(','))
    .map((l) => ({
      entraTenantId: at(l, 'entra_tenant_id'),
      appId: at(l, 'app_id'),
      state: at(l, 'item_state'),
    }));
  const cli = await rekeyJson<{ progress: { outcome: { label: string } } }>('campaign', 'status', campaignId);
  return [
    { where: 'the campaign page and its CSV export', outcome, items },
    { where: 'rekey campaign status --json', outcome: cli.progress.outcome.label, items },
  ];
}

test('a campaign through the UI, one tenant’s consent revoked part-way: the simulator confirms every item it calls done, and the refused tenant is named as an exception', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  const db = stackDb();
  const sim = await stackSimulator();
  await nothingInFlight(db);
  // Three healthy EU connectors in three tenants with nothing exposed (other specs rotate the
  // exposed ones): rotating them to the EU replacement changes nothing another spec counts on.
  const picked = await db.$queryRaw<Picked[]>`
    SELECT DISTINCT ON (t.id) c.id, c."displayName" AS name, c."appId", t.id AS "tenantId", t."displayName" AS tenant,
           t."entraTenantId"::text AS "entraTenantId", upper(cert."sha1Thumbprint") AS sha1
    FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "Certificate" cert ON cert.id = c."currentCertificateId"
    WHERE c.status = 'healthy' AND c."credentialOn" = 'application' AND t.region = 'EU' AND t."consentState" = 'consented' AND t."lastScanError" IS NULL
      AND NOT EXISTS (SELECT 1 FROM "Connector" x WHERE x."tenantId" = t.id AND x.status IN ('targeted', 'compromised'))
      AND NOT EXISTS (SELECT 1 FROM "Rotation" r WHERE r."connectorId" = c.id)
    ORDER BY t.id, c."displayName"`;
  const chosen = picked.sort((a, b) => b.tenant.localeCompare(a.tenant)).slice(0, 3);
  expect(chosen, 'three healthy EU connectors in three tenants').toHaveLength(3);

  // The operator selects the three connectors, runs them as a campaign one rotation at a time
  // (concurrency 1: "part-way" is then a real moment), and starts it.
  await signIn(page, USERS.operator, '/connectors?status=healthy&region=EU');
  const table = page.getByRole('table', { name: 'Connectors' });
  for (const c of chosen) await table.getByRole('checkbox', { name: `Select ${c.tenant} · ${c.name}` }).check();
  await page.getByRole('button', { name: 'Rotate selected as a campaign' }).click();
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}\?created=1/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('3 selected connectors');
  await page.getByRole('link', { name: 'Edit settings' }).click();
  await page.getByLabel('Concurrency').fill('1');
  // This spec follows the campaign to its end: the old keys go as soon as the new ones work (the
  // form's default waits for the vendor's cutover, which e2e/rotation-cutover.spec.ts covers).
  await page.getByLabel(/keep each old key until the vendor’s service uses the new one/).uncheck();
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}(\?|$)/);
  const campaignId = /\/campaigns\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  expect((await db.campaign.findUniqueOrThrow({ where: { id: campaignId } })).concurrency).toBe(1);
  // The dispatcher's order (wave, status, tenant name, id — in SQL, as it claims items): the refused
  // tenant is the one it starts last, so its consent can be revoked while the campaign runs.
  const order = await db.$queryRaw<{ connectorId: string }[]>`
    SELECT ci."connectorId" FROM "CampaignItem" ci JOIN "Connector" c ON c.id = ci."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
    WHERE ci."campaignId" = ${campaignId}::uuid ORDER BY ci.wave, c.status, t."displayName", c.id`;
  expect(order).toHaveLength(3);
  const refused = chosen.find((c) => c.id === order[2]!.connectorId)!;
  const others = chosen.filter((c) => c !== refused);
  // Rekey's admin, on the refused tenant's page in a browser of their own, ready to check consent.
  const adminContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, ignoreHTTPSErrors: true });
  const admin = await adminContext.newPage();
  await signIn(admin, USERS.admin, `/tenants/${refused.tenantId}`);
  await page.getByRole('button', { name: 'Start campaign' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Start', exact: true }).click();
  const badge = page.getByTestId('campaign-state');
  await expect(badge).toHaveText(/^Running/);
  const rotationOf = async (c: Picked) =>
    db.rotation.findFirst({ where: { connectorId: c.id, campaignId }, orderBy: { createdAt: 'desc' } });
  await expect
    .poll(async () => Boolean(await rotationOf(chosen.find((c) => c.id === order[0]!.connectorId)!)), {
      timeout: 60_000,
      intervals: [250],
    })
    .toBe(true);

  // Part-way: the first rotation under way, the refused tenant's item still queued. Its admin removes
  // Rekey's permissions; Rekey's admin, told so, checks consent — which drops every process's token
  // for that tenant (a token issued before keeps its roles for up to an hour, as Microsoft's does),
  // so the worker's next token carries no roles.
  expect(await rotationOf(refused), 'the refused item is still queued when its consent is revoked').toBeNull();
  expect(await sim.revokeConsent(refused.entraTenantId)).toBe(200);
  await admin.getByRole('button', { name: 'Check consent' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Consent check:' })).toContainText('Missing permissions', {
    timeout: 60_000,
  });
  await adminContext.close();
  await page.reload();

  // The refused tenant's rotation stops for a person (or fails); the others finish. A failure in
  // the canary wave pauses the campaign.
  const items = page.getByRole('table', { name: 'Connectors in this campaign' });
  const rowOf = (c: Picked) => items.getByRole('row').filter({ hasText: c.tenant }).filter({ hasText: c.name });
  await expect
    .poll(async () => (await rotationOf(refused))?.state, { timeout: 150_000, intervals: [1_000, 2_000] })
    .toMatch(/^(NEEDS_ATTENTION|FAILED)$/);
  for (const c of others)
    await expect
      .poll(async () => (await rotationOf(c))?.state, { timeout: 150_000, intervals: [1_000, 2_000] })
      .toBe('SUCCEEDED');
  await page.reload();
  await expect(badge).toHaveText(/^(Running — waiting for attention|Paused|Finished with exceptions)$/);
  expect(await badge.textContent(), 'a campaign with an item needing attention is never Completed').not.toBe(
    'Completed',
  );
  // Mid-way, what the campaign page, its CSV and the CLI say agrees with the simulator: the two
  // items called succeeded hold the new key and not the old one; nothing claims the refused one done.
  const midway = await campaignClaims(page, campaignId);
  expect(midway.map((x) => x.outcome)).not.toContain('Completed');
  expect(
    (await checkCampaignClaims(db, await sim.read(chosen.map((c) => c.entraTenantId)), campaignId, midway)).mismatches,
  ).toEqual([]);
  const stopped = (await rotationOf(refused))!;
  if (stopped.state === 'NEEDS_ATTENTION') {
    // Cancelled by a person: Rekey removes any new key it added, and the campaign can finish.
    await rowOf(refused)
      .getByRole('link', { name: /^Rotation of / })
      .click();
    await expect(page).toHaveURL(new RegExp(`/rotations/${stopped.id}`));
    const rotationId = stopped.id;
    await page.getByRole('button', { name: 'Cancel rotation' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel rotation' }).click();
    await expect
      .poll(async () => (await db.rotation.findUniqueOrThrow({ where: { id: rotationId } })).state, { timeout: 60_000 })
      .toBe('CANCELLED');
    await page.goto(`/campaigns/${campaignId}`);
  }
  if ((await badge.textContent()) === 'Paused') await page.getByRole('button', { name: 'Resume' }).click();
  await expect(badge).toHaveText('Finished with exceptions', { timeout: 60_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Finished with 1 exception' })).toContainText('2 succeeded');
  await expect(rowOf(refused)).toContainText(/failed|cancelled/);
  for (const c of others) await expect(rowOf(c)).toContainText('succeeded');

  // The fleet as the browser and the CLI show it now, the refused tenant's permissions still missing:
  // no figure, tenant or connector the simulator contradicts, and that tenant is "No access" everywhere.
  const shownNow = await everyClaim(page, db);
  await expect
    .poll(async () => (await checkTruth(db, await sim.read(), { now: new Date(), shown: shownNow })).mismatches, {
      timeout: 60_000,
      intervals: [2_000, 5_000],
    })
    .toEqual([]);
  const fleetNow = await checkTruth(db, await sim.read(), { now: new Date(), shown: shownNow });
  expect(fleetNow.tenants.get(refused.entraTenantId)?.access).toBe('no_access');
  expect(
    shownNow.tenants.filter((t) => t.entraTenantId === refused.entraTenantId).map((t) => `${t.where}: ${t.access}`),
  ).toEqual(['rekey tenants list --json: no_access', 'the tenants list /tenants: no_access']);
  await page.goto(`/campaigns/${campaignId}`);

  // What the campaign says, against the simulator. The refused tenant can be read again only once
  // its permissions are back: it must still hold the old key and not the new one.
  expect(await sim.grantConsent(refused.entraTenantId)).toBe(200);
  const claims = await campaignClaims(page, campaignId);
  await expect
    .poll(
      async () =>
        (await checkCampaignClaims(db, await sim.read(chosen.map((c) => c.entraTenantId)), campaignId, claims))
          .mismatches,
      {
        timeout: 120_000,
      },
    )
    .toEqual([]);
  const truth = await checkCampaignClaims(db, await sim.read(chosen.map((c) => c.entraTenantId)), campaignId, claims);
  expect(Object.fromEntries([...truth.onTarget].map(([k, v]) => [k.split('/')[1], v]))).toEqual(
    Object.fromEntries(chosen.map((c) => [c.appId, c !== refused])),
  );
  const refusedApp = (await sim.read([refused.entraTenantId]))[0]!.apps.find((a) => a.appId === refused.appId)!;
  expect(refusedApp.sha1).toContain(refused.sha1);
  // A "Completed" claim now would be a lie, and the checker says so, naming the tenant.
  const lie = await checkCampaignClaims(db, await sim.read(chosen.map((c) => c.entraTenantId)), campaignId, [
    { ...claims[0]!, outcome: 'Completed' },
  ]);
  expect(lie.mismatches).toEqual([
    expect.stringMatching(
      new RegExp(
        `^${refused.tenant} / ${refused.name}: .* says Completed, but the app does not hold the new credential`,
      ),
    ),
  ]);

  // Permissions back: consent checked again, the exception retried from the campaign; now Completed.
  await signIn(page, USERS.admin, `/tenants/${refused.tenantId}`);
  await page.getByRole('button', { name: 'Check consent' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Consent check:' })).toContainText('Consented');
  await signIn(page, USERS.operator, `/campaigns/${campaignId}`);
  await page.getByRole('button', { name: /^Retry 1 failed or cancelled/ }).click();
  await expect(badge).toHaveText('Completed', { timeout: 120_000 });
  const done = await campaignClaims(page, campaignId);
  await expect
    .poll(
      async () =>
        (await checkCampaignClaims(db, await sim.read(chosen.map((c) => c.entraTenantId)), campaignId, done))
          .mismatches,
      {
        timeout: 120_000,
      },
    )
    .toEqual([]);
  const after = await checkCampaignClaims(db, await sim.read(chosen.map((c) => c.entraTenantId)), campaignId, done);
  expect([...after.onTarget.values()]).toEqual([true, true, true]);
  await nothingInFlight(db);
});

test('every figure the browser and the CLI show agrees with the simulator; a tenant changed behind Rekey’s back is named stale', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const db = stackDb();
  const sim = await stackSimulator();
  await nothingInFlight(db);
  await signIn(page, USERS.admin, '/');
  const shown = { figures: [...(await browserClaims(page))], connectors: [], tenants: [] } as Awaited<
    ReturnType<typeof cliClaims>
  >;
  const cli = await cliClaims();
  shown.figures.push(...cli.figures);
  shown.connectors.push(...cli.connectors);
  shown.tenants.push(...cli.tenants);
  expect(shown.figures.length).toBe(12);
  expect(shown.connectors.length).toBeGreaterThan(40);
  // Shares are shares: never above 100 %.
  const share = (await rotatedSharePercent(page)) ?? 0;
  expect(share).toBeGreaterThanOrEqual(0);
  expect(share).toBeLessThanOrEqual(100);

  // A planted lie: one readable tenant's admin removes Rekey's permissions, and Rekey neither
  // rescans nor checks consent. Rekey still shows the tenant as readable; the checker must say
  // the simulator contradicts it and that Rekey has not looked since its last scan.
  const [victim] = await db.$queryRaw<{ entraTenantId: string; displayName: string }[]>`
    SELECT t."entraTenantId"::text AS "entraTenantId", t."displayName" FROM "Tenant" t
    WHERE t."consentState" = 'consented' AND t."lastScanError" IS NULL AND t."lastScanAt" IS NOT NULL
    ORDER BY t."displayName" LIMIT 1`;
  expect(victim).toBeTruthy();
  expect(await sim.revokeConsent(victim!.entraTenantId)).toBe(200);
  try {
    const planted = await checkTruth(db, await sim.read(), { now: new Date(), shown });
    expect(planted.mismatches).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${victim!.displayName}: the simulator refuses Rekey, but Rekey shows the tenant as readable — stale: Rekey's last successful scan of ${victim!.displayName} was \\d{4}-`,
        ),
      ),
    ]);
  } finally {
    expect(await sim.grantConsent(victim!.entraTenantId)).toBe(200);
  }

  // The fleet as the spec leaves it: no figure, no tenant, no connector that the simulator contradicts.
  await expect
    .poll(async () => (await checkTruth(db, await sim.read(), { now: new Date(), shown })).mismatches, {
      timeout: 120_000,
      intervals: [2_000, 5_000],
    })
    .toEqual([]);
  const final = await checkTruth(db, await sim.read(), { now: new Date(), shown });
  expect(final.expected.exposed).toBeGreaterThan(0);
  expect(final.tenants.size).toBeGreaterThanOrEqual(40);
});
