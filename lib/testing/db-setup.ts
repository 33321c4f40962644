/**
 * Setup file for `*.db.test.ts`: each test file gets a fresh database cloned from the migrated
 * template, and DATABASE_URL points at it before the test file imports lib/db.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, inject } from 'vitest';
import { ensureDatabase } from '@/lib/runtime/embedded-postgres';
import { loadMasterKeyRing } from '@/lib/vault/master-key';

const admin = inject('dbAdminUrl');
const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
await ensureDatabase(admin, name, inject('dbTemplate'));
const url = new URL(admin);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
// Key files (vault master key, session secret) go to a private directory per test file.
process.env.REKEY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-test-data-'));
// As `npm start`'s vault check does on a fresh installation (nothing sealed yet): the process
// itself never makes a master key (lib/vault/key-ring.ts).
loadMasterKeyRing({ keyFile: path.join(process.env.REKEY_DATA_DIR, 'master.key'), create: true });

// The composition every process does (lib/runtime/process-runtime.ts, as openRuntime and the web
// runtime do): rotations advanced by these tests publish their events to the same subscribers
// (campaigns, detection, notifications). Imported after the environment is set.
const { composeProcess, releaseProcessResources } = await import('@/lib/runtime/process-runtime');
composeProcess();

afterAll(async () => {
  await releaseProcessResources();
});
