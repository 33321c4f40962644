import { defineConfig } from 'vitest/config';
import path from 'node:path';

// `npm run test:contract`: the Graph contract suite (contract/*.test.ts) against the in-process
// simulator with its defaults (replication lag and throttling on). No database.
const alias = { '@': path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    environment: 'node',
    include: ['contract/**/*.test.ts'],
    exclude: ['node_modules/**'],
    globalSetup: ['./sim/testing/global-setup.ts'],
    setupFiles: ['./lib/testing/vitest-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
