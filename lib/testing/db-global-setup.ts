/**
 * Vitest global setup for `*.db.test.ts`: one embedded PostgreSQL for the run, migrated once into
 * a template database; each test file clones its own database from it (lib/testing/db-setup.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres';
import { migrateDatabase } from '@/lib/runtime/migrate';
import { freePort } from '@/lib/runtime/free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    dbAdminUrl: string;
    dbTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-test-pg-'));
  fs.chmodSync(base, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(base, 'data'), port: await freePort() });
  const template = 'rekey_template';
  await ensureDatabase(pg.urlFor('postgres'), template);
  await migrateDatabase(pg.urlFor(template));
  project.provide('dbAdminUrl', pg.urlFor('postgres'));
  project.provide('dbTemplate', template);
  process.env.REKEY_TEST_DB_ADMIN_URL = pg.urlFor('postgres');
  return async () => {
    await pg.stop();
    fs.rmSync(base, { recursive: true, force: true });
  };
}
