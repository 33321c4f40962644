/**
 * Campaigns: an MSP operator rotates the demo fleet's compromised connectors as a campaign with a
 * small canary wave, watches the real worker drive it to 100 % against the simulator, and exports
 * the results; selected connectors posted from the connectors table become a draft.
 */
import { checkCampaignClaims } from '../lib/testing/truth-checker';
import { expect, signIn, test, USERS } from './fixtures';
import { stackDb, stackSimulator } from './support/fleet-truth';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

test('an operator runs a campaign over the compromised connectors to 100 % and exports the results', async ({
  page,
}) => {
  test.setTimeout(150_000);
  // UK only: the rotation spec rotates compromised US/APAC connectors by hand on the same stack.
  await signIn(page, USERS.operator, '/campaigns/new?status=compromised&region=UK');
  await expect(page).toHaveURL(/\/campaigns\/new\/setup\?status=compromised&region=UK/);
  await expect(page.getByRole('heading', { level: 1, name: 'New campaign' })).toBeVisible();
  const name = `E2E compromised ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Canary wave size').fill('2');
  // Every region of the selection is mapped to its replacement certificate by default.
  for (const select of await page.getByRole('combobox', { name: /^Certificate for / }).all())
    await expect(select).toHaveValue(new RegExp(UUID));
  await page.getByRole('button', { name: 'Create campaign' }).click();

  await expect(page).toHaveURL(new RegExp(`/campaigns/${UUID}\\?created=1`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(page.getByTestId('campaign-state')).toHaveText('Draft');
  await page.getByRole('button', { name: 'Start campaign' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('campaign-state')).toHaveText(/Running|Completed/);

  const bar = page.getByRole('progressbar', { name: 'Campaign progress' });
  await expect
    .poll(
      async () => {
        const [now, max] = [await bar.getAttribute('aria-valuenow'), await bar.getAttribute('aria-valuemax')];
        return Number(now) > 0 && now === max;
      },
      { timeout: 100_000, intervals: [1_000, 2_000] },
    )
    .toBe(true);
  await expect(bar).toHaveAttribute('aria-valuetext', /^100% — /);
  await expect(page.getByTestId('campaign-state')).toHaveText('Completed', { timeout: 20_000 });
  const total = Number(/of (\d+) finished/.exec((await bar.getAttribute('aria-valuetext')) ?? '')?.[1]);
  expect(total).toBeGreaterThan(0);
  // Completed: every item finished and the bar counts the ones that rotated (an item already on its
  // target is finished without a rotation).
  const rotated = Number(/finished, (\d+) rotated$/.exec((await bar.getAttribute('aria-valuetext')) ?? '')?.[1]);
  expect(rotated).toBeGreaterThan(0);
  expect(rotated).toBeLessThanOrEqual(total);
  await expect(page.getByRole('img', { name: /Items per wave by state|Canary/ }).first()).toBeVisible();
  // Every rotated tenant was read after its rotation before "Completed" — and the simulator agrees.
  await expect(page.getByText(/\d+ of \d+ verified in the tenant/)).toHaveText(
    `${rotated} of ${rotated} verified in the tenant`,
  );
  const campaignId = new RegExp(`/campaigns/(${UUID})`).exec(page.url())![1]!;
  const sim = await stackSimulator();
  const { onTarget } = await checkCampaignClaims(stackDb(), await sim.read(), campaignId, []);
  expect([...onTarget.values()].filter(Boolean).length).toBeGreaterThanOrEqual(rotated);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export results (CSV)' }).click();
  const file = await download;
  const csv = Buffer.concat(await (await file.createReadStream()).toArray()).toString();
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toContain('tenant,entra_tenant_id,region,connector');
  const header = lines[0]!.split(',');
  const stateAt = header.indexOf('item_state');
  expect(lines.length - 1).toBe(total);
  for (const line of lines.slice(1)) expect(line.split(',')[stateAt]).toBe('SUCCEEDED');

  await page.goto('/campaigns');
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Completed');
  await expect(row.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '100%');
});

test('connectors selected in the connectors table become a draft campaign that can be discarded', async ({ page }) => {
  await signIn(page, USERS.operator, '/connectors');
  const table = page.getByRole('table', { name: 'Connectors' });
  const boxes = table.getByRole('checkbox', { name: /^Select (?!all)/ });
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.getByRole('button', { name: 'Rotate selected as a campaign' }).click();
  await expect(page).toHaveURL(new RegExp(`/campaigns/${UUID}\\?created=1`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('2 selected connectors');
  await expect(page.getByTestId('campaign-state')).toHaveText('Draft');
  await expect(page.getByRole('progressbar', { name: 'Campaign progress' })).toHaveAttribute(
    'aria-valuetext',
    /of 2 finished, 0 rotated/,
  );
  await page.getByRole('button', { name: 'Discard' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel campaign' }).click();
  await expect(page.getByTestId('campaign-state')).toHaveText('Cancelled');
});

test('a viewer sees campaigns but no controls', async ({ page }) => {
  await signIn(page, USERS.viewer, '/campaigns');
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New campaign' })).toHaveCount(0);
  await page.getByRole('table', { name: 'Campaigns' }).locator('tbody a').first().click();
  await expect(page.getByRole('progressbar', { name: 'Campaign progress' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Start campaign|Pause|Cancel campaign/ })).toHaveCount(0);
});
