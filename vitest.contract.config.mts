import { defineConfig } from 'vitest/config';
import path from 'node:path';

// `npm run test:contract`: the Graph contract suite (contract/*.test.ts) against the in-process
// simulator with its defaults (replication lag and throttling on), or against a real tenant with
// REKEY_CONTRACT_TENANT (README "Contract tests"; then no simulator material is made, and the
// machine's own trust store applies). No database.
const alias = { '@': path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    environment: 'node',
    include: ['contract/**/*.test.ts'],
    exclude: ['node_modules/**'],
    globalSetup: process.env.REKEY_CONTRACT_TENANT ? [] : ['./sim/testing/global-setup.ts'],
    setupFiles: ['./lib/testing/vitest-setup.ts'],
    // A real tenant replicates in seconds to minutes (and sign-in logs take minutes): each wait is bounded by REKEY_CONTRACT_REPLICATION_TIMEOUT_S.
    testTimeout: process.env.REKEY_CONTRACT_TENANT ? 30 * 60_000 : 60_000,
    hookTimeout: process.env.REKEY_CONTRACT_TENANT ? 10 * 60_000 : 60_000,
    // One at a time against a real tenant: the suite is small, and a tenant's limits are shared with production.
    fileParallelism: !process.env.REKEY_CONTRACT_TENANT,
  },
});
