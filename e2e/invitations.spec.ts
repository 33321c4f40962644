/**
 * Customer self-service rotation (issue 20), two browser contexts on one stack. "Done when" end to
 * end, on a connector of this spec's own: a vendor connector on a certificate nobody else uses is
 * installed in a tenant no other spec touches (e2e/support/reserved-tenants.ts), Rekey discovers it
 * with Scan now, and then the customer's admin removes Rekey's management app (no standing access).
 * The vendor's operator imports an advisory naming that certificate and invites the affected
 * customers from the advisory page; the customer's Global Administrator follows the link in their
 * own browser, signs in with Microsoft (the simulator's consent prompt), confirms by typing the
 * connection's name, and watches the rotation finish. Then the truth: the simulator's tenant holds
 * the new key and not the old, Rekey's database holds no token for the tenant, the audit log names
 * the admin, the vendor's invitation page says "N customers invited, 1 rotated" and the security
 * report counts the connection remediated and customer-rotated. Negative journeys: a plain user,
 * the wrong tenant, declined consent, an expired link and a second use.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, signIn, test, USERS } from './fixtures';
import { postJson } from './support/simulator-truth';
import { OpenSsl } from './support/openssl';
import { SELF_SERVICE_CONNECTOR, SELF_SERVICE_TENANT } from './support/reserved-tenants';
import { queryStack } from './support/stack-database';
import { E2E_DATA_DIR } from '../playwright.config';

const SIM = `https://localhost:${process.env.E2E_SIM_PORT ?? '4453'}`;
const SIM_DIR = path.join(E2E_DATA_DIR, 'sim');

interface Fleet {
  managementApp: { appId: string; graphRoles: string[] };
  tenants: { id: string; name: string; domain: string; region: string; scenarios: string[] }[];
}
const fleet = (): Fleet => JSON.parse(fs.readFileSync(path.join(SIM_DIR, 'fleet.json'), 'utf8')) as Fleet;
const ca = () => fs.readFileSync(path.join(SIM_DIR, 'ca.pem'), 'utf8');
const ssl = new OpenSsl('invitations');
test.afterAll(() => fs.rmSync(ssl.dir, { recursive: true, force: true }));

/** SHA-1 thumbprints (hex) of an application's key credentials, as the simulator holds them. */
async function simThumbprints(tenantId: string, appObjectId: string): Promise<string[]> {
  await postJson(`${SIM}/_sim/flush`, ca(), {});
  const state = JSON.parse(fs.readFileSync(path.join(SIM_DIR, 'state.json'), 'utf8')) as {
    tenants: { id: string; applications: { id: string; keyCredentials: { customKeyIdentifier: string | null }[] }[] }[];
  };
  const app = state.tenants.find((t) => t.id === tenantId)!.applications.find((a) => a.id === appObjectId)!;
  return app.keyCredentials.map((k) =>
    Buffer.from(k.customKeyIdentifier ?? '', 'base64')
      .toString('hex')
      .toUpperCase(),
  );
}

interface Target {
  tenantId: string;
  entraTenantId: string;
  domain: string;
  name: string;
  connectorId: string;
  connectorName: string;
  appObjectId: string;
  oldSha1: string;
  newCertId: string;
  newSha1: string;
}

/** The first connector of the n-th tenant without scenarios, and a valid replacement certificate for it. */
async function targetFor(nth: number): Promise<Target> {
  const index = 0;
  const t = fleet().tenants.filter((x) => x.scenarios.length === 0)[nth]!;
  const [c] = await queryStack<{
    tenantId: string;
    id: string;
    displayName: string;
    appObjectId: string;
    sha1: string;
    region: string;
  }>(
    E2E_DATA_DIR,
    `SELECT t.id AS "tenantId", c.id, c."displayName", c."appObjectId", cert."sha1Thumbprint" AS sha1, t.region
       FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "Certificate" cert ON cert.id = c."currentCertificateId"
      WHERE t."entraTenantId" = $1 ORDER BY c."displayName" OFFSET $2 LIMIT 1`,
    [t.id, index],
  );
  const [n] = await queryStack<{ id: string; sha1: string }>(
    E2E_DATA_DIR,
    `SELECT id, "sha1Thumbprint" AS sha1 FROM "Certificate"
      WHERE "notAfter" > now() + interval '60 days' AND "notBefore" < now() AND "sha1Thumbprint" <> $1
        AND "sealedPrivateKey" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "AdvisoryIndicator" i WHERE i.value IN ("sha1Thumbprint", "sha256Thumbprint", "serialNumber"))
      ORDER BY (region = $2) DESC NULLS LAST, "notAfter" DESC LIMIT 1`,
    [c!.sha1, c!.region],
  );
  return {
    tenantId: c!.tenantId,
    entraTenantId: t.id,
    domain: t.domain,
    name: t.name,
    connectorId: c!.id,
    connectorName: c!.displayName,
    appObjectId: c!.appObjectId,
    oldSha1: c!.sha1.toUpperCase(),
    newCertId: n!.id,
    newSha1: n!.sha1.toUpperCase(),
  };
}

/** The vendor's operator creates the invitation in the dashboard and copies the link. */
async function createInvitation(page: Page, target: Target): Promise<string> {
  await signIn(page, USERS.operator, `/invitations?connector=${target.connectorId}`);
  await page.getByLabel('Certificate to install').selectOption(target.newCertId);
  await page.getByRole('button', { name: 'Create invitation links' }).click();
  const link = page.getByTestId('invitation-link');
  await expect(link).toHaveCount(1);
  const url = (await link.textContent())!.trim();
  expect(url).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  return url;
}

/**
 * The customer's page as it looks at 1440×900 and on a 390 px phone, saved with the test's output
 * (test-results/…/customer-<name>-<width>.png); at neither width does it scroll sideways.
 */
async function shoot(p: Page, name: string) {
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await p.setViewportSize({ width, height });
    await p.screenshot({ path: test.info().outputPath(`customer-${name}-${width}.png`), fullPage: true });
    const m = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(m.scroll, `the customer's ${name} page scrolls sideways at ${width} px`).toBeLessThanOrEqual(m.inner);
  }
  await p.setViewportSize({ width: 1280, height: 800 });
}

/** The customer, in their own browser: open the link, sign in at "Microsoft" as `upn`. */
async function customerSignsIn(
  browser: Browser,
  link: string,
  upn: string,
  consent: 'Accept' | 'Cancel' | null,
  screenshots = false,
) {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await ctx.newPage();
  await page.goto(link);
  if (screenshots) await shoot(page, 'landing');
  await page.getByRole('link', { name: 'Sign in with Microsoft' }).click();
  await page.getByLabel('Email or username').fill(upn);
  await page.getByRole('button', { name: 'Next' }).click();
  if (consent) {
    await page.getByRole('button', { name: consent }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/invite/') && !u.pathname.endsWith('/callback'));
  }
  return { ctx, page };
}

/** "X of Y exposed connectors remediated" and the customer-rotated count, from the security report. */
async function reportFigures(page: Page): Promise<{ remediated: number; population: number; byCustomer: number }> {
  await page.goto('/reports/security');
  const text = (await page
    .getByText(/exposed connectors remediated/)
    .first()
    .textContent())!;
  const m = /([\d,]+) of ([\d,]+) exposed connectors remediated/.exec(text)!;
  const c = /([\d,]+) rotated by the customer’s admin: verified at rotation, not rescanned/.exec(text);
  const n = (x: string) => Number(x.replace(/,/g, ''));
  return { remediated: n(m[1]!), population: n(m[2]!), byCustomer: c ? n(c[1]!) : 0 };
}

/**
 * The vendor's connector installed in this spec's own tenant on a certificate of its own (the one
 * the advisory will name), through the simulator's control API, as the customer's admin once set it
 * up; then the vendor's operator finds it with Scan now, as Rekey finds any connector.
 */
async function plantCompromisedConnector(page: Page): Promise<Target & { compromisedSha1: string }> {
  const tenant = fleet().tenants.find((t) => t.name.startsWith(SELF_SERVICE_TENANT))!;
  const stolen = ssl.makeCertificate('Litware Connect', 'stolen');
  const planted = await postJson<{ appId: string; applicationObjectId: string }>(
    `${SIM}/_sim/tenants/${tenant.id}/connector-apps`,
    ca(),
    { displayName: SELF_SERVICE_CONNECTOR, certificate: fs.readFileSync(stolen.cert, 'utf8'), roles: ['Mail.Read'] },
  );
  expect(planted.status, JSON.stringify(planted.body)).toBe(200);
  expect(await simThumbprints(tenant.id, planted.body.applicationObjectId)).toEqual([stolen.sha1]);

  await signIn(page, USERS.operator, `/tenants?q=${encodeURIComponent(SELF_SERVICE_TENANT)}`);
  await page.getByRole('table', { name: 'Tenants' }).getByRole('link', { name: tenant.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: tenant.name })).toBeVisible();
  await page.getByRole('button', { name: 'Scan now' }).click();
  const finished = page.locator('[aria-live="polite"]').filter({ hasText: 'Scan finished' });
  await expect(finished).toContainText('(1 new, 0 missing)', { timeout: 30_000 });
  await expect(finished).toContainText(`${SELF_SERVICE_CONNECTOR}: new`);

  const [c] = await queryStack<{ tenantId: string; id: string; sha1: string; region: string }>(
    E2E_DATA_DIR,
    `SELECT t.id AS "tenantId", c.id, cert."sha1Thumbprint" AS sha1, t.region
       FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "Certificate" cert ON cert.id = c."currentCertificateId"
      WHERE t."entraTenantId" = $1 AND c."appId" = $2`,
    [tenant.id, planted.body.appId],
  );
  expect(c, 'Rekey lists the planted connector on its certificate').toBeTruthy();
  expect(c!.sha1.toUpperCase()).toBe(stolen.sha1);
  const [n] = await queryStack<{ id: string; sha1: string }>(
    E2E_DATA_DIR,
    `SELECT id, "sha1Thumbprint" AS sha1 FROM "Certificate"
      WHERE "notAfter" > now() + interval '60 days' AND "notBefore" < now() AND "sealedPrivateKey" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "AdvisoryIndicator" i WHERE i.value IN ("sha1Thumbprint", "sha256Thumbprint", "serialNumber"))
      ORDER BY (region = $1) DESC NULLS LAST, "notAfter" DESC LIMIT 1`,
    [c!.region],
  );
  return {
    tenantId: c!.tenantId,
    entraTenantId: tenant.id,
    domain: tenant.domain,
    name: tenant.name,
    connectorId: c!.id,
    connectorName: SELF_SERVICE_CONNECTOR,
    appObjectId: planted.body.applicationObjectId,
    oldSha1: stolen.sha1,
    newCertId: n!.id,
    newSha1: n!.sha1.toUpperCase(),
    compromisedSha1: stolen.sha1,
  };
}

test.describe.configure({ mode: 'serial' });

test('"Done when": an advisory to "1 customer invited, 1 rotated" without standing access; the admin rotates with their own token, Rekey keeps none and audits the admin', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const target = await plantCompromisedConnector(page);
  const mgmt = fleet().managementApp.appId;
  // The customer's admin has since removed Rekey's management app: Rekey has no standing access.
  expect(
    (await postJson(`${SIM}/_sim/tenants/${target.entraTenantId}/revoke-consent`, ca(), { appId: mgmt })).status,
  ).toBe(200);
  const reportBefore = await reportFigures(page);

  // The vendor imports an advisory naming the stolen certificate…
  await page.goto('/advisories/new');
  const form = page.getByRole('form', { name: 'New advisory from pasted indicators' });
  await form.getByLabel('Thumbprints or serial numbers').fill(target.compromisedSha1);
  await form.getByLabel('Title').fill('E2E vendor key stolen: customers rotate themselves');
  await form.getByRole('button', { name: 'Create advisory' }).click();
  await expect(page).toHaveURL(/\/advisories\/[0-9a-f-]{36}\?created=1/);
  const advisoryId = /\/advisories\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  // …and invites the affected customers from the advisory page.
  await page.getByRole('link', { name: 'Invite customers to rotate' }).click();
  await expect(page).toHaveURL(new RegExp(`/invitations\\?advisory=${advisoryId}$`));
  await page.getByLabel('Certificate to install').selectOption(target.newCertId);
  await page.getByRole('button', { name: 'Create invitation links' }).click();
  await expect(page.getByTestId('invitation-link').first()).toBeVisible();
  const invited = await queryStack<{ n: string; customers: string; tenants: string[] }>(
    E2E_DATA_DIR,
    `SELECT count(*)::text AS n, count(DISTINCT coalesce("entraTenantId"::text, "tenantDomain"))::text AS customers,
            array_agg(DISTINCT "entraTenantId"::text) AS tenants
       FROM "Invitation" WHERE "advisoryId" = $1`,
    [advisoryId],
  );
  // The advisory names one certificate, on one connector in one tenant: one customer is invited.
  expect(invited[0]).toEqual({ n: '1', customers: '1', tenants: [target.entraTenantId] });
  await expect(page.getByTestId('invitation-link')).toHaveCount(1);
  const link = (await page
    .getByRole('listitem')
    .filter({ hasText: `${target.name} / ${target.connectorName}` })
    .getByTestId('invitation-link')
    .textContent())!.trim();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await page.goto(`/invitations?advisory=${advisoryId}`);
  await expect(page.getByTestId('invitations-summary')).toContainText('1 customer invited, 0 rotated');
  expect(await simThumbprints(target.entraTenantId, target.appObjectId)).toEqual([target.oldSha1]);

  const ga = `ga@${target.domain}`;
  const { ctx, page: customer } = await customerSignsIn(browser, link, ga, 'Accept', true);
  await expect(customer.locator('#found')).toContainText(target.connectorName);
  // What Rekey found in the tenant: the connection's one certificate, compromised, the one replaced.
  const found = customer.locator('#credentials').getByRole('listitem');
  await expect(found).toHaveCount(1);
  await expect(found).toContainText(target.oldSha1);
  await expect(found).toContainText('Compromised: named in a security advisory');
  await expect(found).toContainText('The rotation replaces this certificate.');
  await expect(customer.locator('#new-certificate')).toContainText(target.newSha1);
  await shoot(customer, 'plan');
  // A mistyped name changes nothing and says what to type.
  await customer.getByLabel(/Type the connection’s name/).fill('wrong name');
  await customer.getByRole('button', { name: 'Replace the certificate' }).click();
  await expect(customer.locator('#message')).toHaveText(
    `Type the connection's name exactly as shown: ${target.connectorName}.`,
  );
  await customer.getByLabel(/Type the connection’s name/).fill(target.connectorName);
  await customer.getByRole('button', { name: 'Replace the certificate' }).click();
  // Live progress (or, on a fast run, already the end page).
  await expect(customer.locator('#status')).toBeVisible();
  await shoot(customer, 'progress');
  await expect(customer.locator('#status')).toHaveText(`Done: ${target.connectorName} now uses the new certificate`, {
    timeout: 120_000,
  });
  await expect(customer.locator('#after')).toContainText(target.newSha1);
  await shoot(customer, 'receipt');

  // The truth: the tenant holds the new key and not the old…
  const held = await simThumbprints(target.entraTenantId, target.appObjectId);
  expect(held).toContain(target.newSha1);
  expect(held).not.toContain(target.oldSha1);
  // …Rekey holds no token for the tenant…
  const tokens = await queryStack<{ n: string }>(
    E2E_DATA_DIR,
    `SELECT count(*)::text AS n FROM "DelegatedToken" WHERE "entraTenantId" = $1`,
    [target.entraTenantId],
  );
  expect(tokens[0]!.n).toBe('0');
  // …and the audit log names the customer admin as the one who started it.
  const audit = await queryStack<{ actorLabel: string; clientIp: string | null }>(
    E2E_DATA_DIR,
    `SELECT "actorLabel", "clientIp" FROM "AuditEvent" WHERE action = 'rotation.started' AND "tenantId" = $1 ORDER BY seq DESC LIMIT 1`,
    [target.tenantId],
  );
  expect(audit[0]!.actorLabel).toBe(`customer admin ${ga} (tenant ${target.entraTenantId})`);
  // So does every step the engine ran with the admin's token.
  const steps = await queryStack<{ action: string; actorLabel: string }>(
    E2E_DATA_DIR,
    `SELECT e.action, e."actorLabel" FROM "AuditEvent" e
      WHERE e."targetId" = (SELECT "targetId" FROM "AuditEvent" WHERE action = 'rotation.started' AND "tenantId" = $1 ORDER BY seq DESC LIMIT 1)
        AND e.action LIKE 'rotation.step.%'`,
    [target.tenantId],
  );
  expect(steps.length).toBeGreaterThan(3);
  expect(new Set(steps.map((x) => x.actorLabel))).toEqual(
    new Set([`customer admin ${ga} (tenant ${target.entraTenantId})`]),
  );

  // The vendor's view of the advisory: "1 customer invited, 1 rotated", and the funnel.
  await page.goto(`/invitations?advisory=${advisoryId}`);
  await expect(page.getByTestId('invitations-summary')).toContainText('1 customer invited, 1 rotated');
  await expect(page.getByTestId('funnel-ROTATED').locator('dd')).toHaveText('1');
  await expect(page.getByTestId('funnel-SENT').locator('dd')).toHaveText('0');
  // The security report counts it exposed and remediated, on the evidence of the rotation itself.
  const reportAfter = await reportFigures(page);
  expect(reportAfter).toEqual({
    remediated: reportBefore.remediated + 1,
    population: reportBefore.population + 1,
    byCustomer: reportBefore.byCustomer + 1,
  });
  // And all along the vendor's management app had no service principal in that tenant.
  await postJson(`${SIM}/_sim/flush`, ca(), {});
  const state = JSON.parse(fs.readFileSync(path.join(SIM_DIR, 'state.json'), 'utf8')) as {
    tenants: { id: string; servicePrincipals: { appId: string }[] }[];
  };
  expect(
    state.tenants.find((t) => t.id === target.entraTenantId)!.servicePrincipals.filter((sp) => sp.appId === mgmt),
  ).toEqual([]);

  // A second use shows the finished result; signing in again is not offered.
  await customer.goto(link);
  await expect(customer.locator('#status')).toHaveText(`Done: ${target.connectorName} now uses the new certificate`);
  await expect(customer.getByRole('link', { name: 'Sign in with Microsoft' })).toHaveCount(0);

  // Removing Rekey's consent goes through Graph with a fresh sign-in.
  await customer.getByRole('link', { name: 'Remove the grant and Rekey’s app' }).click();
  await customer.getByLabel('Email or username').fill(ga);
  await customer.getByRole('button', { name: 'Next' }).click();
  await expect(customer.locator('#message')).toHaveText(
    "Rekey's delegated permissions and its app were removed from your tenant.",
  );
  await ctx.close();

  // The fleet is shared with the later specs: the admin grants Rekey's management app again, and a
  // scan with the real binary shows Rekey what the tenant now holds.
  expect(
    (
      await postJson(`${SIM}/_sim/tenants/${target.entraTenantId}/grant-consent`, ca(), {
        appId: mgmt,
        roles: fleet().managementApp.graphRoles,
      })
    ).status,
  ).toBe(200);
  const scan = await new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ['bin/rekey.mjs', 'scan', 'drift', '--tenant', target.tenantId],
      {
        env: { ...({} as NodeJS.ProcessEnv), PATH: process.env.PATH, REKEY_DATA_DIR: path.resolve(E2E_DATA_DIR) },
        timeout: 60_000,
      },
      (err, _out, stderr) => resolve({ code: err ? Number(err.code ?? -1) : 0, stderr }),
    ),
  );
  expect(scan.code, scan.stderr).toBe(0);
  // Rekey lists the customer-rotated connector as the scan found it: on the new certificate, not exposed.
  const [after] = await queryStack<{ status: string; sha1: string }>(
    E2E_DATA_DIR,
    `SELECT c.status::text AS status, cert."sha1Thumbprint" AS sha1
       FROM "Connector" c JOIN "Certificate" cert ON cert.id = c."currentCertificateId" WHERE c.id = $1`,
    [target.connectorId],
  );
  expect(after!.sha1.toUpperCase()).toBe(target.newSha1);
  expect(after!.status).toBe('healthy');
});

test('a plain user, an admin of another tenant and a declined consent are each told what happened; nothing changes', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const target = await targetFor(1);
  const before = await simThumbprints(target.entraTenantId, target.appObjectId);
  const link = await createInvitation(page, target);

  const declined = await customerSignsIn(browser, link, `ga@${target.domain}`, 'Cancel');
  await expect(declined.page.locator('#message')).toHaveText(
    'You did not accept the permissions Rekey asks for, so nothing was changed. To rotate the connection, sign in again and accept.',
  );
  await declined.ctx.close();

  const plain = await customerSignsIn(browser, link, `user@${target.domain}`, null);
  // Before any admin consented, Microsoft itself stops a plain user ("Need admin approval").
  await expect(plain.page.locator('#error')).toContainText('needs permission to access resources in your organization');
  await plain.page.getByRole('button', { name: 'Return to the application without granting consent' }).click();
  await expect(plain.page.locator('#message')).toContainText('an administrator must approve');
  await plain.ctx.close();

  const other = fleet().tenants.filter((t) => t.scenarios.length === 0)[3]!;
  const wrong = await customerSignsIn(browser, link, `ga@${other.domain}`, 'Accept');
  await expect(wrong.page.locator('#message')).toContainText(
    `but this invitation is for ${target.name} (tenant ${target.entraTenantId})`,
  );
  await wrong.ctx.close();

  expect(await simThumbprints(target.entraTenantId, target.appObjectId)).toEqual(before);
  const tokens = await queryStack<{ n: string }>(E2E_DATA_DIR, `SELECT count(*)::text AS n FROM "DelegatedToken"`);
  expect(tokens[0]!.n).toBe('0');
  await page.goto('/invitations');
  await expect(page.getByTestId('funnel-WRONG_TENANT').locator('dd')).toHaveText('1');
});

test('an expired link says so and offers no sign-in', async ({ browser }) => {
  const target = await targetFor(2);
  // Created through the binary's use case would need a clock; expire one directly in the database instead.
  const ctx = await browser.newContext();
  const operator = await ctx.newPage();
  const link = await createInvitation(operator, target);
  await queryStack(
    E2E_DATA_DIR,
    `UPDATE "Invitation" SET "expiresAt" = now() - interval '1 minute' WHERE "connectorId" = $1`,
    [target.connectorId],
  );
  const customer = await browser.newContext();
  const p = await customer.newPage();
  await p.goto(link);
  await expect(p.getByRole('heading', { level: 1 })).toHaveText('This invitation has expired');
  await expect(p.getByRole('link', { name: 'Sign in with Microsoft' })).toHaveCount(0);
  await ctx.close();
  await customer.close();
});

test('the vendor invites an advisory’s customers from the advisory page and follows the funnel over time', async ({
  page,
}) => {
  await signIn(page, USERS.operator, '/advisories');
  // Invitations are one click away in the navigation.
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Invitations' }).first()).toBeVisible();
  const [adv] = await queryStack<{ id: string }>(
    E2E_DATA_DIR,
    `SELECT id FROM "Advisory" ORDER BY "createdAt" LIMIT 1`,
  );
  await page.goto(`/advisories/${adv!.id}`);
  await page.getByRole('link', { name: 'Invite customers to rotate' }).click();
  await expect(page).toHaveURL(new RegExp(`/invitations\\?advisory=${adv!.id}$`));
  await expect(
    page.getByRole('heading', { name: 'New invitations for the connectors this advisory affects' }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Create invitation links' }).click();
  const links = page.getByTestId('invitation-link');
  await expect(links.first()).toBeVisible();
  const shown = await links.count();
  const stored = await queryStack<{ n: string }>(
    E2E_DATA_DIR,
    `SELECT count(*)::text AS n FROM "Invitation" WHERE "advisoryId" = $1`,
    [adv!.id],
  );
  expect(Number(stored[0]!.n)).toBe(shown);
  // The funnel over time, with its numbers as a table for screen readers.
  await page.goto(`/invitations?advisory=${adv!.id}`);
  await expect(
    page.getByRole('img', { name: /^Invitations sent, opened, signed in, rotated and failed by day/ }),
  ).toBeVisible();
  const table = page.locator('table', { has: page.locator('caption', { hasText: /Invitations sent, opened/ }) });
  await expect(table.locator('tbody tr').last().locator('td').first()).toHaveText(String(shown));
  // Nothing was rotated by the links: revoke them so later specs see the fleet's invitations as before.
  await queryStack(
    E2E_DATA_DIR,
    `UPDATE "Invitation" SET "revokedAt" = now(), state = 'REVOKED' WHERE "advisoryId" = $1`,
    [adv!.id],
  );
});
