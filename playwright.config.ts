import { defineConfig, devices } from '@playwright/test';

// End-to-end tests run the product exactly as `npm start` does (scripts/start.ts: embedded
// PostgreSQL, the Microsoft 365 simulator with a small demo fleet, `next start`, the worker),
// on their own ports and data directory, against Debian's Chromium.
const port = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? '.data/e2e';

export default defineConfig({
  testDir: 'e2e',
  // The dashboard is up before the demo fleet's onboarding finishes: specs wait for it.
  globalSetup: './e2e/support/wait-for-onboarding.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI
    ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]]
    : [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    // A failed test keeps its trace with DOM snapshots, and its screenshot; no screencast: recording
    // one for every test took ~9 % of Chromium's CPU (two specs: 149 → 136 s, its GPU process halved).
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      // No GPU process (there is no GPU here; it would emulate one on the CPU): the pages composite
      // in software. Two specs took ~9 % less time and CPU with it (131 → 119 s, 2 runs each).
      args: ['--disable-gpu', '--disable-software-rasterizer'],
    },
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: /cli\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 } },
    },
    // The rekey binary beside the same stack; last, because its emergency rotates every exposed connector.
    { name: 'cli', testMatch: /cli\.spec\.ts/, dependencies: ['chromium'] },
  ],
  webServer: {
    // A fresh stack every run: specs change the fleet (rotations, campaigns, advisories).
    command: `rm -rf '${E2E_DATA_DIR}' && node node_modules/tsx/dist/cli.mjs scripts/start.ts`,
    url: `http://localhost:${port}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    // As Ctrl-C in a terminal: npm start stops web, workers, simulator, then PostgreSQL.
    gracefulShutdown: { signal: 'SIGINT', timeout: 60_000 },
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      REKEY_DATA_DIR: E2E_DATA_DIR,
      REKEY_PG_PORT: process.env.E2E_PG_PORT ?? '54339',
      REKEY_SIM_PORT: process.env.E2E_SIM_PORT ?? '4453',
      REKEY_SIM_TENANTS: '40',
      // Every spec signs in from 127.0.0.1 (a few sign-ins a minute); e2e/ops.spec.ts floods
      // from 127.0.0.2 past this limit and checks that 127.0.0.3 is not locked out.
      REKEY_SIGNIN_RATE_PER_MINUTE: '100',
      // Two worker processes share the queues and rotations, as a deployment with several would.
      REKEY_WORKER_PROCESSES: '2',
      // A rotation waiting for the vendor's cutover looks at the sign-in logs every 3 s, not every
      // 5 minutes: e2e/rotation-cutover.spec.ts signs in as the vendor and waits for the page to follow.
      REKEY_CUTOVER_RECHECK_SECONDS: '3',
      // No 6-hourly fleet scan firing mid-run: truth-scan.spec needs a tenant nothing has scanned.
      REKEY_SCHEDULED_FLEET_SCAN: 'off',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});
