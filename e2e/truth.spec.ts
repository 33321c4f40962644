/**
 * The truth checker in the browser: the overview's "Exposed connectors" opens a list of exactly
 * that many rows, and that number is what the simulator (Microsoft 365) holds — every readable
 * connector app with a credential an advisory names, targeted tenants included.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { E2E_DATA_DIR } from '../playwright.config';
import { expect, signIn, test, USERS } from './fixtures';
import { appsHoldingThumbprints, getJson, type SimManifest } from './support/simulator-truth';

const dataDir = path.resolve(import.meta.dirname, '..', E2E_DATA_DIR);
interface Runtime {
  databaseUrl: string;
  microsoft365: { authorityHost: string; caPath: string };
}
const runtime = (): Runtime => JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as Runtime;

async function query<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: runtime().databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

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
  const truth = await appsHoldingThumbprints({ simUrl: r.microsoft365.authorityHost, ca, manifest, thumbprints });
  const readable = [...truth.holding].filter((k) => !truth.unreadable.includes(k.split('/')[0]!));
  expect(readable.length).toBeGreaterThan(0);
  expect(shown).toBe(readable.length);

  await card.click();
  await expect(page).toHaveURL(/\/connectors\?status=exposed/);
  await expect(page.getByText(`${shown} vendor connector${shown === 1 ? '' : 's'} with status exposed`)).toBeVisible();
});
