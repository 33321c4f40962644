/**
 * npm start serves the dashboard first and onboards the demo fleet behind it (consent checks,
 * discovery, sign-in evidence, classification). Signed-in people see how far it is in a banner on
 * every page; an interrupted onboarding resumes with `rekey db onboard` (npm start runs it on the
 * next start) and the banner goes away by itself when it finishes.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { E2E_DATA_DIR } from '../playwright.config';
import { expect, signIn, test, USERS } from './fixtures';
import { queryStack } from './support/stack-database';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.resolve(root, E2E_DATA_DIR);

interface Progress {
  phase: string;
  step: number;
  steps: number;
  done: number;
  total: number;
  finishedAt: string | null;
  error: string | null;
}
/** `rekey db onboard`, spawned with nothing but the data directory (as a person would run it). */
function onboard(): Promise<{ code: number; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...({} as NodeJS.ProcessEnv),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REKEY_DATA_DIR: dataDir,
  };
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [path.join(root, 'bin/rekey.mjs'), 'db', 'onboard'],
      { cwd: root, env, timeout: 120_000 },
      (err, _stdout, stderr) => resolve({ code: err ? Number(err.code ?? -1) : 0, stderr }),
    ),
  );
}

const progress = async () =>
  (await queryStack<{ value: Progress }>(dataDir, `SELECT value FROM "Setting" WHERE key = 'onboarding.progress'`))[0]!
    .value;

test('an interrupted onboarding shows its progress and resumes with rekey db onboard', async ({ page }) => {
  // Two runs of the real binary (each starts Node, opens the stack's database and the simulator).
  test.setTimeout(180_000);
  const finished = await progress();
  expect(finished.finishedAt, 'npm start finished onboarding the demo fleet').not.toBeNull();
  expect(finished.step).toBe(finished.steps);

  await signIn(page, USERS.viewer, '/');
  const banner = page.getByText(/Onboarding the demo fleet/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(banner).toHaveCount(0);

  // As if npm start had been stopped during the consent checks and discovery scans.
  const tenants = Number((await queryStack<{ n: string }>(dataDir, `SELECT count(*) AS n FROM "Tenant"`))[0]!.n);
  await queryStack(dataDir, `UPDATE "Setting" SET value = $1::jsonb WHERE key = 'onboarding.progress'`, [
    JSON.stringify({
      ...finished,
      phase: 'consent checks and discovery scans',
      step: 1,
      done: 10,
      total: tenants,
      finishedAt: null,
      error: null,
    }),
  ]);
  await page.reload();
  await expect(banner).toContainText('figures are incomplete until it finishes');
  const bar = page.getByRole('progressbar', { name: 'Step 1 of 3: consent checks and discovery scans' });
  await expect(bar).toHaveAttribute('aria-valuenow', '10');
  await expect(bar).toHaveAttribute(
    'aria-valuetext',
    new RegExp(`^consent checks and discovery scans: 10 of ${tenants}`),
  );

  // For review at both widths (not compared): the banner as a desktop and a phone show it.
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width > 1000 ? 900 : 844 });
    await page.screenshot({ path: test.info().outputPath(`onboarding-banner-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // The real binary, with nothing but the data directory, resumes and finishes it.
  const run = await onboard();
  expect(run.stderr).toContain('step 1 of 3: consent checks and discovery scans');
  expect(run.stderr).toContain('step 2 of 3: sign-in evidence scans');
  expect(run.stderr).toContain('step 3 of 3: classification');
  expect(run.stderr).toMatch(/onboarded in/);
  expect(run.code).toBe(0);
  const after = await progress();
  expect(after.finishedAt).not.toBeNull();
  expect(after.error).toBeNull();
  expect(after.done).toBe(after.total);

  // The open page refreshes itself: the banner goes without a reload.
  await expect(banner).toHaveCount(0, { timeout: 20_000 });

  // Nothing left to do: a second run says so.
  const again = await onboard();
  expect(again.stderr).toContain('nothing to onboard');
  expect(again.code).toBe(0);
});
