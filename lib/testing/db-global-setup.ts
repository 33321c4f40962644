/**
 * Vitest global setup for `*.db.test.ts`: one embedded PostgreSQL for the run, migrated once into
 * a template database; each test file clones its own database from it (lib/testing/db-setup.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres';
import { ensureLoginRole } from '@/lib/runtime/database-roles';
import { migrateDatabase } from '@/lib/runtime/migrate';
import { freePort } from '@/lib/runtime/free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    dbAdminUrl: string;
    dbTemplate: string;
    /** The application role (ADR 017), with its privileges granted in the template. */
    dbAppRole: { user: string; password: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-test-pg-'));
  fs.chmodSync(base, 0o755);
  // A throwaway cluster: no fsync, so each test file's CREATE DATABASE … TEMPLATE and every commit
  // skip the disk flushes that only matter after a power cut (nothing here outlives the run).
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(base, 'data'),
    port: await freePort(),
    settings: ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'],
  });
  const template = 'rekey_template';
  await ensureDatabase(pg.urlFor('postgres'), template);
  // Tests connect as the owner (they tamper with the audit log on purpose); the application
  // role exists too, with its grants in the template, for the tests of what it may not do.
  const appRole = { user: 'rekey_app', password: 'rekey_app_test' };
  await ensureLoginRole(pg.urlFor('postgres'), appRole.user, appRole.password);
  const appUrl = new URL(pg.urlFor(template));
  appUrl.username = appRole.user;
  appUrl.password = appRole.password;
  await migrateDatabase(appUrl.toString(), { migrateUrl: pg.urlFor(template) });
  project.provide('dbAppRole', appRole);
  project.provide('dbAdminUrl', pg.urlFor('postgres'));
  project.provide('dbTemplate', template);
  process.env.REKEY_TEST_DB_ADMIN_URL = pg.urlFor('postgres');
  return async () => {
    await pg.stop();
    fs.rmSync(base, { recursive: true, force: true });
  };
}
