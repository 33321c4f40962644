/**
 * The rotation wizard as an IT admin clicks it (issue 16), against `npm start`'s stack: deep links,
 * Back and refresh, and what the wizard offers as a replacement. After each claim the page makes,
 * the test reads the database and the simulator (Microsoft 365, through Graph) to check it.
 */
import type { Page } from '@playwright/test';
import { expect, signIn, test, USERS } from './fixtures';
import {
  passPreflight,
  query,
  simFaults,
  simHolds,
  untouchedCompromisedConnector,
  wizard,
} from './support/wizard-journey';

test('a credential Rekey found as unknown in a tenant is never offered, and "key held" means the vault holds it', async ({
  page,
}) => {
  // The demo plants an unknown extra credential (possible attacker persistence) on one connector;
  // discovery put its certificate in the inventory as "discovered".
  const [unknown] = await query<{ id: string; sha1: string; connector: string }>(
    `SELECT cert.id, cert."sha1Thumbprint" AS sha1, c."displayName" AS connector
     FROM "Connector" c CROSS JOIN LATERAL jsonb_array_elements(c."observedCredentials") o
     JOIN "Certificate" cert ON upper(cert."sha1Thumbprint") = upper(o->>'thumbprint')
     LEFT JOIN "Certificate" cur ON cur.id = c."currentCertificateId"
     WHERE cert.source = 'discovered' AND cert."notAfter" > now() AND cert.id IS DISTINCT FROM cur.id
       AND NOT (upper(cert."sha1Thumbprint") = ANY (SELECT upper(e) FROM unnest(c."expectedThumbprints") e))
     LIMIT 1`,
  );
  expect(unknown, 'the demo’s unknown credential, in the inventory').toBeTruthy();
  const t = await untouchedCompromisedConnector();

  await signIn(page, USERS.operator, wizard(t, { mode: 'rotate', step: 'certificate' }));
  await expect(page.getByText('2 · New certificate')).toBeVisible();
  await expect(page.locator(`input[name="cert"][value="${unknown!.id}"]`)).toHaveCount(0);
  const notOffered = page.getByText(/certificates? not offered, and why/);
  await notOffered.click();
  await expect(page.getByRole('list', { name: 'Certificates not offered' })).toContainText(
    new RegExp(`${unknown!.sha1.slice(0, 12)}.*unknown credential on ${unknown!.connector}`),
  );

  // Named in the URL anyway: the wizard refuses it with the reason and runs no preflight on it.
  await page.goto(wizard(t, { mode: 'rotate', cert: unknown!.id, step: 'preflight' }));
  await expect(page.getByText(/cannot be used: Rekey found it as an unknown credential/)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Preflight checks' })).toHaveCount(0);

  // "key held" is shown exactly for the offered certificates whose sealed key the vault holds.
  await page.goto(wizard(t, { mode: 'rotate', step: 'certificate' }));
  const held = await page.locator('input[name="cert"]').evaluateAll((els) =>
    els.map((e) => ({
      id: (e as HTMLInputElement).value,
      held: e.closest('label')!.textContent!.includes('key held'),
    })),
  );
  expect(held.length).toBeGreaterThan(0);
  const sealed = new Set(
    (
      await query<{ id: string }>(
        `SELECT id FROM "Certificate" WHERE "sealedPrivateKey" IS NOT NULL AND id = ANY($1::uuid[])`,
        [held.map((h) => h.id)],
      )
    ).map((r) => r.id),
  );
  for (const h of held) expect(h.held, `certificate ${h.id}`).toBe(sealed.has(h.id));
});

test('the wizard’s state lives on the server: a deep link to Confirm runs the preflight, Back and refresh after Start show the rotation', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const t = await untouchedCompromisedConnector();
  await signIn(page, USERS.operator, wizard(t));
  const [cert] = await query<{ id: string; sha1: string }>(
    `SELECT id, upper("sha1Thumbprint") AS sha1 FROM "Certificate"
     WHERE region = $1 AND "sealedPrivateKey" IS NOT NULL AND "notAfter" > now() AND label LIKE '% 2027 · %'`,
    [t.region],
  );
  expect(cert, `the ${t.region} replacement`).toBeTruthy();

  // A direct link to Confirm, with no preflight or a made-up one, lands on Preflight.
  for (const extra of [{}, { preflight: '00000000-0000-4000-8000-000000000000' }] as Record<string, string>[]) {
    await page.goto(wizard(t, { mode: 'rotate', cert: cert!.id, step: 'confirm', ...extra }));
    await expect(page.getByRole('heading', { name: '3 · Preflight' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '4 · Confirm' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Start rotation' })).toHaveCount(0);
  }
  await passPreflight(page);
  const confirmUrl = page.url();
  const preflightId = new URL(confirmUrl).searchParams.get('preflight');
  const [stored] = await query<{ ok: boolean; certificateId: string; mode: string; rotationId: string | null }>(
    `SELECT ok, "certificateId", mode::text, "rotationId" FROM "RotationPreflight" WHERE id = $1`,
    [preflightId],
  );
  expect(stored).toEqual({ ok: true, certificateId: cert!.id, mode: 'rotate', rotationId: null });
  // The same preflight does not arm another mode.
  await page.goto(confirmUrl.replace('mode=rotate', 'mode=reestablish'));
  await expect(page.getByRole('heading', { name: '3 · Preflight' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start rotation' })).toHaveCount(0);
  await page.goto(confirmUrl);

  await page.getByRole('button', { name: 'Start rotation' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Start rotation' }).click();
  await expect(page).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
  const rotationId = /\/rotations\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  expect(
    (
      await query<{ rotationId: string }>(`SELECT "rotationId" FROM "RotationPreflight" WHERE id = $1`, [preflightId])
    )[0]!.rotationId,
  ).toBe(rotationId);

  // Back right away: the rotation (running or already finished), never an armed Confirm.
  await page.goBack();
  await expect(page.getByText(/This rotation (is running|has finished)/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start rotation' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Open the rotation' })).toHaveAttribute(
    'href',
    `/rotations/${rotationId}`,
  );

  await page.getByRole('link', { name: 'Open the rotation' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 150_000 });
  // The tenant holds the new key and not the old one.
  expect(await simHolds(t, cert!.sha1)).toBe(true);
  expect(await simHolds(t, t.sha1)).toBe(false);

  // Back and refresh after it finished: the finished rotation, the same target, no Start.
  await page.goBack();
  await page.reload();
  await expect(page.getByText('This rotation has finished')).toBeVisible();
  await expect(page.getByText(cert!.sha1.slice(0, 12))).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start rotation' })).toHaveCount(0);
});

test('Start is disabled while another rotation of the connector is active, with a link to it', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const t = await untouchedCompromisedConnector();
  await signIn(page, USERS.operator, wizard(t, { mode: 'rotate', step: 'preflight' }));
  await passPreflight(page);

  // Meanwhile a second tab (same operator) runs the wizard for the same connector and starts it;
  // Graph refuses Rekey, so that rotation stops in Needs attention (still active).
  const other = await page.context().newPage();
  await other.goto(wizard(t, { mode: 'rotate', step: 'preflight' }));
  await passPreflight(other);
  await simFaults(request, { failNext: { count: 500, status: 403, target: 'graph' } });
  let rotationId: string;
  try {
    await other.getByRole('button', { name: 'Start rotation' }).click();
    await other.getByRole('alertdialog').getByRole('button', { name: 'Start rotation' }).click();
    await expect(other).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
    rotationId = /\/rotations\/([0-9a-f-]{36})$/.exec(other.url())![1]!;
    await expect(other.getByRole('heading', { level: 1 })).toContainText('Needs attention', { timeout: 120_000 });
  } finally {
    await simFaults(request, null);
  }

  // The first tab's Confirm: Start disabled, with a link to the active rotation.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Start rotation' })).toBeDisabled();
  await expect(page.getByRole('link', { name: 'open that rotation' })).toHaveAttribute(
    'href',
    `/rotations/${rotationId}`,
  );
  expect(
    (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Rotation" WHERE "connectorId" = $1`, [t.id]))[0]!.n,
  ).toBe(1);

  // Finish it (Retry) so later specs find the fleet settled.
  await other.getByRole('button', { name: 'Retry' }).click();
  await other.getByRole('alertdialog').getByRole('button', { name: 'Retry now' }).click();
  await expect(other.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 150_000 });
  await other.close();
});

/** Tabs from the focused step heading until `name` has focus; fails after `max`. */
async function tabsTo(page: Page, name: string, max = 5): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (text === name) return i;
  }
  throw new Error(`"${name}" not reached in ${max} Tabs`);
}

test('keyboard only: each step focuses its heading and Next is at most 5 Tabs away', async ({ page }) => {
  test.setTimeout(120_000);
  const t = await untouchedCompromisedConnector();
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, USERS.operator, wizard(t));
  const heading = async (name: string) => {
    await expect(page.getByRole('heading', { name })).toBeFocused();
  };
  await heading('1 · Review: how to rotate');
  // The mode choice and Next are visible without scrolling at 1280×720.
  await expect(page.getByRole('radio', { name: /^Rotate key/ })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Next: New certificate' })).toBeInViewport();
  await page.getByRole('radio', { name: /^Rotate key/ }).check();
  await page.getByRole('heading', { name: '1 · Review: how to rotate' }).focus();
  expect(await tabsTo(page, 'Next: New certificate')).toBeLessThanOrEqual(5);
  await page.keyboard.press('Enter');
  await heading('2 · New certificate');
  expect(await tabsTo(page, 'Next: Preflight')).toBeLessThanOrEqual(5);
  await page.keyboard.press('Enter');
  await expect(page.getByText(/^Every check passed/)).toBeVisible({ timeout: 30_000 });
  await page.getByRole('heading', { name: '3 · Preflight' }).focus();
  expect(await tabsTo(page, 'Next: Confirm')).toBeLessThanOrEqual(5);
  await page.keyboard.press('Enter');
  await heading('4 · Confirm');
  expect(await tabsTo(page, 'Start rotation')).toBeLessThanOrEqual(5);
  const confirmUrl = page.url();

  // 390 px (a phone) and 1440×900: no step scrolls sideways (wide parts scroll inside their own
  // box). The screenshots are kept with the test's output for a person to look at.
  for (const [width, height] of [
    [390, 844],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const step of ['review', 'certificate', 'preflight', 'confirm']) {
      await page.goto(step === 'confirm' ? confirmUrl : confirmUrl.replace('step=confirm', `step=${step}`));
      await expect(page.getByRole('heading', { name: /^[1234] · / })).toBeVisible({ timeout: 30_000 });
      if (step === 'preflight') await expect(page.getByText(/^Every check passed/)).toBeVisible({ timeout: 30_000 });
      await page.screenshot({ path: test.info().outputPath(`wizard-${step}-${width}.png`), fullPage: true });
      expect(
        await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth),
        `step ${step} at ${width} px`,
      ).toBe(true);
    }
  }
});
