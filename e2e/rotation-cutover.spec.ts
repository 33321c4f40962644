/**
 * Make-before-break waits for the vendor's cutover (issue 16 item 12, ADR 022), as an operator and
 * an admin run it on `npm start`'s stack. A routine connector is rotated through the wizard with
 * the wait on (the default): the run page says what it waits for; the new key signing in from an
 * address outside the vendor's ranges does not end the wait; the vendor's service signing in with
 * the new key — a real token request to the simulator (Microsoft 365) from one of the vendor's
 * addresses — does, and the page shows it done by itself. In the second test an admin confirms the
 * cutover on the run page with the keyboard only. After each, the simulator must hold the new key
 * and not the old one. The stack looks at the sign-in logs every few seconds
 * (REKEY_CUTOVER_RECHECK_SECONDS in playwright.config.ts).
 */
import fs from 'node:fs';
import https from 'node:https';
import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';
import type { Page } from '@playwright/test';
import { expect, signIn, test, USERS } from './fixtures';
import { OpenSsl, type Made } from './support/openssl';
import { CUTOVER_TENANT } from './support/reserved-tenants';
import { screenshotsAt1440And390 } from './support/screenshots';
import { passPreflight, query, runtime, simHolds, wizard, type Target } from './support/wizard-journey';

const ssl = new OpenSsl('rotation-cutover');
test.afterAll(() => ssl.remove());

/** The demo vendor's egress range is 198.51.100.0/24 (Settings › Detection); 203.0.113.0/24 is nobody's. */
const VENDOR_IP = '198.51.100.23';
const STRANGER_IP = '203.0.113.45';
/** Screenshots a person looks at (the run page waiting and done), beside the spec's other results. */

/** A routine connector of the reserved tenant (nothing else touches it), still on its first certificate. */
async function routineConnector(name: string): Promise<Target & { status: string }> {
  const [c] = await query<Target & { status: string }>(
    `SELECT c.id, c."displayName" AS name, c."appId", t."entraTenantId", t.region,
            upper(cert."sha1Thumbprint") AS sha1, c.status::text AS status
     FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "Certificate" cert ON cert.id = c."currentCertificateId"
     WHERE t."displayName" LIKE $1 AND c."displayName" = $2 AND t."consentState" = 'consented'
       AND NOT EXISTS (SELECT 1 FROM "Rotation" r WHERE r."connectorId" = c.id)`,
    [`${CUTOVER_TENANT}%`, name],
  );
  expect(c, `${CUTOVER_TENANT} · ${name}, not rotated yet`).toBeTruthy();
  expect(c!.status, 'a routine connector (not compromised or targeted)').toMatch(/^(healthy|expiring)$/);
  return c!;
}

/** MSAL's network calls over node's https with the simulator's CA and extra headers (x-sim-client-ip). */
function simNetwork(ca: string, extra: Record<string, string>): INetworkModule {
  const call = <T>(url: string, method: string, options?: { headers?: Record<string, string>; body?: string }) =>
    new Promise<NetworkResponse<T>>((resolve, reject) => {
      const req = https.request(url, { method, ca, headers: { ...options?.headers, ...extra } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
            body: JSON.parse(text) as T,
          }),
        );
      });
      req.on('error', reject);
      if (options?.body) req.write(options.body);
      req.end();
    });
  return {
    sendGetRequestAsync: (url, options) => call(url, 'GET', options),
    sendPostRequestAsync: (url, options) => call(url, 'POST', options),
  };
}

/**
 * The connector app gets a Graph token with `made`'s key from `ip`, as the vendor's service does:
 * the simulator, like Entra ID, writes a service-principal sign-in with the credential it used.
 */
async function signInWith(t: Target, made: Made, ip: string): Promise<void> {
  const rt = runtime();
  const sim = rt.microsoft365.authorityHost;
  const cca = new ConfidentialClientApplication({
    auth: {
      clientId: t.appId,
      authority: `${sim}/${t.entraTenantId}`,
      knownAuthorities: [new URL(sim).host],
      clientCertificate: { thumbprintSha256: made.sha256, privateKey: fs.readFileSync(made.key, 'utf8') },
    },
    system: { networkClient: simNetwork(fs.readFileSync(rt.microsoft365.caPath, 'utf8'), { 'x-sim-client-ip': ip }) },
  });
  const r = await cca.acquireTokenByClientCredential({
    scopes: ['https://graph.microsoft.com/.default'],
    skipCache: true,
  });
  expect(r?.accessToken, `a token for ${t.name} with the new key`).toBeTruthy();
}

/** Until the rotation waits at await_cutover (in the database) and a second has passed since the wait began. */
async function waitingSince(rotationId: string): Promise<Date> {
  let since: string | undefined;
  await expect
    .poll(
      async () => {
        const [r] = await query<{ state: string; step: string; since: string | null }>(
          `SELECT state::text AS state, step, facts->'cutover'->>'since' AS since FROM "Rotation" WHERE id = $1`,
          [rotationId],
        );
        since = r?.since ?? undefined;
        return `${r?.state} ${r?.step}`;
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe('WAITING await_cutover');
  // Sign-ins before the wait began never count (Rekey's own token test): sign in after it.
  const at = new Date(since!);
  const wait = at.getTime() + 1_100 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return at;
}

async function startFromConfirm(page: Page, expectSummary: RegExp): Promise<string> {
  await page.getByRole('button', { name: 'Start rotation' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByTestId('start-cutover-summary')).toHaveText(expectSummary);
  await dialog.getByRole('button', { name: 'Start rotation' }).click();
  await expect(page).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
  return /\/rotations\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
}

test('a routine rotation keeps the old key until the vendor’s service signs in with the new one from its own addresses', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const t = await routineConnector('Continuity Monitor');
  // The vendor's new certificate and key (the vendor hands the admin a PFX).
  const made = ssl.makeCertificate('Cutover', 'vendor-2028');
  const pfx = ssl.path('vendor-2028.pfx');
  ssl.run('pkcs12', '-export', '-inkey', made.key, '-in', made.cert, '-out', pfx, '-passout', 'pass:Amber-Lantern-42');

  await signIn(page, USERS.operator, wizard(t, { mode: 'rotate', step: 'certificate' }));
  await page.getByRole('button', { name: 'Upload the vendor’s certificate' }).click();
  const upload = page.getByRole('dialog', { name: 'Upload the vendor’s new certificate' });
  await upload.locator('#cert-file').setInputFiles(pfx);
  await upload.getByLabel('PFX password').fill('Amber-Lantern-42');
  await upload.getByRole('button', { name: 'Check certificate' }).click();
  await upload.getByRole('button', { name: 'Add to inventory' }).click();
  await expect(upload).toBeHidden();
  // The step opens again with the new certificate selected.
  const [added] = await query<{ id: string }>(`SELECT id FROM "Certificate" WHERE "sha1Thumbprint" = $1`, [made.sha1]);
  expect(added, 'the uploaded certificate, in the inventory').toBeTruthy();
  await expect(page).toHaveURL(new RegExp(`cert=${added!.id}`));
  await expect(page.locator(`input[name="cert"][value="${added!.id}"]`)).toBeChecked();
  await page.getByRole('button', { name: 'Next: Preflight' }).click();
  await passPreflight(page);

  // Confirm: the wait is on by default for a routine connector, with the 72-hour deadline.
  const keep = page.getByRole('checkbox', { name: 'Keep the old key until the vendor’s service uses the new one' });
  await expect(keep).toBeChecked();
  await expect(page.getByRole('spinbutton')).toHaveValue('72');
  const rotationId = await startFromConfirm(page, /The old key stays until .* or 72 hours pass\./);

  // The run page says what it waits for, since and until when, and what it has seen.
  const wait = page.getByTestId('cutover-wait');
  await expect(wait).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Waiting');
  const since = await waitingSince(rotationId);
  await expect(wait).toContainText('Waiting since');
  await expect(wait).toContainText('Deadline');
  await expect(wait).toContainText('in 3 days');
  await expect(page.getByTestId('cutover-seen')).toHaveText('No sign-in with the new key yet.');
  const [facts] = await query<{ until: string }>(
    `SELECT facts->'cutover'->>'until' AS until FROM "Rotation" WHERE id = $1`,
    [rotationId],
  );
  expect(new Date(facts!.until).getTime() - since.getTime()).toBe(72 * 3_600_000);
  // Both keys are on the application while it waits.
  expect(await simHolds(t, made.sha1)).toBe(true);
  expect(await simHolds(t, t.sha1)).toBe(true);

  // The new key used from an address the vendor does not use: shown as a warning; the wait goes on.
  await signInWith(t, made, STRANGER_IP);
  await expect(page.getByTestId('cutover-seen')).toHaveText(
    '1 sign-in with the new key from outside the vendor’s known addresses, none from them.',
    { timeout: 60_000 },
  );
  await expect(wait.getByRole('listitem').filter({ hasText: STRANGER_IP })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Waiting');
  expect(await simHolds(t, t.sha1), 'the old key is still there').toBe(true);
  await screenshotsAt1440And390(page, 'rotation-cutover', 'waiting');

  // The vendor's service switches: a sign-in with the new key from the vendor's range ends the
  // wait; the page shows the rotation done without being reloaded.
  await signInWith(t, made, VENDOR_IP);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('cutover-outcome')).toContainText(
    `The vendor’s service signed in with the new key from ${VENDOR_IP}`,
  );
  expect(await simHolds(t, made.sha1)).toBe(true);
  expect(await simHolds(t, t.sha1)).toBe(false);
  await screenshotsAt1440And390(page, 'rotation-cutover', 'done');
  const [steps] = await query<{ steps: string[] }>(
    `SELECT array_agg(step || ':' || outcome ORDER BY at) AS steps FROM "RotationStep" WHERE "rotationId" = $1`,
    [rotationId],
  );
  expect(steps!.steps.filter((s) => s.startsWith('await_cutover')).at(-1)).toBe('await_cutover:succeeded');
  // Looks that saw nothing new left no row: one for the first look, one for the stranger's sign-in.
  expect(steps!.steps.filter((s) => s === 'await_cutover:waiting').length).toBeLessThanOrEqual(2);
  expect(steps!.steps.indexOf('await_cutover:succeeded')).toBeLessThan(steps!.steps.indexOf('remove_old:succeeded'));
});

test('an admin confirms the vendor has switched on the run page, keyboard only; the confirmation is audited', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const t = await routineConnector('Internal Mail Protection');
  const [cert] = await query<{ id: string; sha1: string }>(
    `SELECT id, upper("sha1Thumbprint") AS sha1 FROM "Certificate"
     WHERE region = $1 AND "sealedPrivateKey" IS NOT NULL AND "notAfter" > now() AND label LIKE '% 2027 · %'`,
    [t.region],
  );
  expect(cert, `the ${t.region} replacement`).toBeTruthy();
  await signIn(page, USERS.admin, wizard(t, { mode: 'rotate', cert: cert!.id, step: 'preflight' }));
  await passPreflight(page);
  await expect(
    page.getByRole('checkbox', { name: 'Keep the old key until the vendor’s service uses the new one' }),
  ).toBeChecked();
  const rotationId = await startFromConfirm(page, /The old key stays until/);
  await expect(page.getByTestId('cutover-wait')).toBeVisible({ timeout: 120_000 });
  await waitingSince(rotationId);
  expect(await simHolds(t, t.sha1)).toBe(true);

  // Keyboard only: Tab to "The vendor has switched", Enter, Tab to the dialog's confirm, Enter.
  const trigger = page.getByRole('button', { name: 'The vendor has switched — remove the old key' });
  await page.locator('body').focus();
  for (let i = 0; i < 80 && !(await trigger.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(trigger).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('alertdialog', { name: 'Remove the old key now?' });
  await expect(dialog).toBeVisible();
  const confirm = dialog.getByRole('button', { name: 'Remove the old key' });
  for (let i = 0; i < 6 && !(await confirm.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('cutover-outcome')).toContainText('confirmed the switch');
  expect(await simHolds(t, cert!.sha1)).toBe(true);
  expect(await simHolds(t, t.sha1)).toBe(false);
  const [event] = await query<{ actorLabel: string; after: { confirmedBy: string } }>(
    `SELECT "actorLabel", after FROM "AuditEvent" WHERE action = 'rotation.cutover_confirmed' AND "targetId" = $1`,
    [rotationId],
  );
  expect(event?.actorLabel).toContain(USERS.admin);
  expect(event?.after.confirmedBy).toBe(event?.actorLabel);
});
