/**
 * Narrow screens (issue 16 item 8, for the pages a vendor uses while following customer
 * self-service rotations, issue 20): at 390 px (a phone) and at 1440×900 the tenant page, a
 * campaign page, the new-campaign page and the customer's invitation page never scroll sideways —
 * wide tables scroll inside their own box — and the header search stays usable (full width on a
 * phone, not squeezed between the buttons). Screenshots are kept with the test's output for a
 * person to look at. Reads only: the fleet is left as it was found.
 */
import type { Page } from '@playwright/test';
import { expect, signIn, test, USERS } from './fixtures';
import { queryStack } from './support/stack-database';
import { E2E_DATA_DIR } from '../playwright.config';

const SIZES = [
  [390, 844],
  [1440, 900],
] as const;

async function noSidewaysScroll(page: Page, what: string, width: number): Promise<void> {
  const m = await page.evaluate(() => ({
    scroll: document.scrollingElement!.scrollWidth,
    inner: window.innerWidth,
    // The widest element that sticks out of the viewport, to say what to fix when this fails.
    // (Not one inside a container that scrolls on its own, such as a wide table's: that is allowed.)
    culprit: [...document.querySelectorAll<HTMLElement>('main *, header *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .filter((e) => {
        for (let a = e.parentElement; a; a = a.parentElement)
          if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
        return true;
      })
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].slice(0, 4).join('.')}`)
      .slice(-3)
      .join(' | '),
  }));
  expect(m.scroll, `${what} at ${width} px scrolls sideways (${m.culprit})`).toBeLessThanOrEqual(m.inner);
}

test('the tenant, campaign and new-campaign pages and the header search fit a 390 px screen', async ({ page }) => {
  test.setTimeout(120_000);
  const [tenant] = await queryStack<{ id: string }>(
    E2E_DATA_DIR,
    `SELECT t.id FROM "Tenant" t WHERE EXISTS (SELECT 1 FROM "Connector" c WHERE c."tenantId" = t.id)
      ORDER BY (SELECT count(*) FROM "Connector" c WHERE c."tenantId" = t.id) DESC, t."displayName" LIMIT 1`,
  );
  const [exposed] = await queryStack<{ id: string }>(
    E2E_DATA_DIR,
    `SELECT id FROM "Advisory" ORDER BY "createdAt" LIMIT 1`,
  );
  expect(tenant, 'the demo fleet has a tenant with connectors').toBeDefined();
  await signIn(page, USERS.operator, `/tenants/${tenant!.id}`);
  // A campaign to look at: the newest one (campaign.spec.ts, which runs before this spec, made some);
  // when this spec runs alone, a draft made from the new-campaign page, discarded at the end.
  let [campaign] = await queryStack<{ id: string }>(
    E2E_DATA_DIR,
    `SELECT id FROM "Campaign" ORDER BY "createdAt" DESC LIMIT 1`,
  );
  const newCampaign = `/campaigns/new${exposed ? `?advisory=${exposed.id}` : '?status=compromised'}`;
  let draft = false;
  if (!campaign) {
    await page.goto(newCampaign);
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}/);
    campaign = { id: /\/campaigns\/([0-9a-f-]{36})/.exec(page.url())![1]! };
    draft = true;
  }
  const pages: [string, string, RegExp][] = [
    ['tenant', `/tenants/${tenant!.id}`, /./],
    ['new-campaign', newCampaign, /New campaign/],
    ['campaign', `/campaigns/${campaign.id}`, /./],
  ];

  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    for (const [name, url, heading] of pages) {
      await page.goto(url);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`), fullPage: true });
      await noSidewaysScroll(page, name, width);
    }
    // The header search: as wide as the screen allows (not one letter wide), and it works.
    const search = page.getByRole('searchbox', { name: 'Search tenants' });
    await expect(search).toBeVisible();
    const box = (await search.boundingBox())!;
    expect(box.width, `header search width at ${width} px`).toBeGreaterThanOrEqual(Math.min(width - 40, 300));
    const [named] = await queryStack<{ displayName: string }>(
      E2E_DATA_DIR,
      `SELECT "displayName" FROM "Tenant" WHERE id = $1`,
      [tenant!.id],
    );
    await search.fill(named!.displayName);
    await search.press('Enter');
    await expect(page).toHaveURL(/\/tenants\?q=/);
    await expect(page.getByRole('link', { name: named!.displayName }).first()).toBeVisible();
    await page.screenshot({ path: test.info().outputPath(`search-${width}.png`) });
    await noSidewaysScroll(page, 'tenant search results', width);
  }
  if (draft) {
    await page.goto(`/campaigns/${campaign.id}`);
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel campaign' }).click();
    await expect(page.getByTestId('campaign-state')).toHaveText('Cancelled');
  }
});
