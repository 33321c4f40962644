import { defineConfig } from 'vitest/config';
import path from 'node:path';

// The reliability suite (`npm run test:chaos`; `npm test` runs it with REKEY_CHAOS_SIZE=ci).
// Same wiring as the `db` project of vitest.config.mts — embedded PostgreSQL cloned per file, the
// test CA for in-process simulators, console.error fails a test. Each file runs real worker child
// processes and a fault-injecting simulator of its own, and waits on them more than it computes
// (37 % of 2 cores one file at a time), so two files run at once (REKEY_CHAOS_FILES=1: one).
// Sizes: `ci` (default) fits CI's ~4 minutes; `full` is the 300 connectors, 30 s token
// outage and 20 SIGKILLs.
const alias = { '@': path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    maxWorkers: Number(process.env.REKEY_CHAOS_FILES ?? 2),
    environment: 'node',
    include: ['chaos/**/*.chaos.test.ts'],
    exclude: ['node_modules/**'],
    globalSetup: ['./sim/testing/global-setup.ts', './lib/testing/db-global-setup.ts'],
    setupFiles: ['./lib/testing/vitest-setup.ts', './lib/testing/db-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
  },
});
