import { defineConfig } from 'vitest/config';
import os from 'node:os';
import path from 'node:path';

// Two projects: pure/in-process tests (`*.test.ts`) and database tests (`*.db.test.ts`), which get a
// real embedded PostgreSQL started once in globalSetup and a fresh database per worker cloned from
// a migrated template. Tests that talk to sim/ start it in-process over HTTPS; its CA is created in
// the sim global setup before any worker starts, so NODE_EXTRA_CA_CERTS reaches every worker.
const alias = { '@': path.resolve(import.meta.dirname) };
const shared = {
  alias,
  environment: 'node' as const,
  setupFiles: ['./lib/testing/vitest-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  globalSetup: ['./sim/testing/global-setup.ts'],
};

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    projects: [
      {
        resolve: { alias },
        test: {
          ...shared,
          name: 'unit',
          sequence: { groupOrder: 0 },
          // A worker keeps its modules from one file to the next: these files hold no per-file state
          // (no database, no module mocks), and loading the graph once per worker, not once per file,
          // halves the project's time (123 s → 73 s on 2 cores). The db project keeps isolation: each
          // of its files binds lib/db to a database of its own.
          isolate: false,
          // Vitest's default is one worker fewer than the cores: one, on a 2-core machine (69 s → 43 s).
          maxWorkers: Math.max(2, os.availableParallelism() - 1),
          include: [
            'lib/**/*.test.ts',
            'sim/**/*.test.ts',
            'cli/**/*.test.ts',
            'scripts/**/*.test.ts',
            'contract/**/*.test.ts',
            'components/**/*.test.ts',
          ],
          exclude: ['**/*.db.test.ts', '**/*.chaos.test.ts', 'node_modules/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          ...shared,
          name: 'db',
          // Runs after the unit project (different worker limits need distinct groups).
          sequence: { groupOrder: 1 },
          include: ['**/*.db.test.ts'],
          exclude: ['node_modules/**'],
          globalSetup: ['./sim/testing/global-setup.ts', './lib/testing/db-global-setup.ts'],
          setupFiles: ['./lib/testing/vitest-setup.ts', './lib/testing/db-setup.ts'],
          // Each file has its own database, and the machine has 2 cores.
          maxWorkers: 2,
        },
      },
    ],
  },
});
