/**
 * Playwright global setup (runs after the webServer answers): npm start serves the dashboard before
 * the demo fleet's consent checks and scans finish; the specs assert figures, so they wait for the
 * onboarding that npm start runs behind the dashboard. It must have been pending when the
 * dashboard came up (the dashboard does not wait for it) and must finish without an error.
 */
import path from 'node:path';
import { E2E_DATA_DIR } from '../../playwright.config';
import { queryStack } from './stack-database';

interface Progress {
  phase: string;
  finishedAt: string | null;
  error: string | null;
}

export default async function waitForOnboarding(): Promise<void> {
  const dataDir = path.resolve(import.meta.dirname, '../..', E2E_DATA_DIR);
  const deadline = Date.now() + 180_000;
  const firstRowBy = Date.now() + 60_000;
  for (;;) {
    const [row] = await queryStack<{ value: Progress }>(
      dataDir,
      `SELECT value FROM "Setting" WHERE key = 'onboarding.progress'`,
    );
    // The dashboard answers while the seed still starts: its first write records the onboarding.
    if (!row && Date.now() > firstRowBy) throw new Error('npm start recorded no onboarding of the demo fleet');
    if (!row) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (row.value.error) throw new Error(`the demo fleet's onboarding failed: ${row.value.error}`);
    if (row.value.finishedAt) return;
    if (Date.now() > deadline) throw new Error(`the demo fleet's onboarding did not finish (at: ${row.value.phase})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
