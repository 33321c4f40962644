/**
 * Resolves the database for processes other than `npm start` (the CLI, the standalone worker):
 * DATABASE_URL (+ DATABASE_MIGRATE_URL) when set; otherwise the embedded PostgreSQL, either
 * already running (started by `npm start`) or started here for the duration of the command.
 *
 * `url` is the application role's connection (ADR 017), `migrateUrl` the owner's. On the embedded
 * database the CLI is the machine's operator: DATABASE_MIGRATE_URL is set to the owner for this
 * process, so `rekey db migrate` works there without configuration.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Env } from '@/lib/env';
import { embeddedUrls, openEmbeddedDatabase, resolveDataDir } from '@/lib/runtime/embedded-postgres';

export interface ResolvedDatabase {
  url: string;
  /** The owner (migrations); absent = the same as `url`. */
  migrateUrl?: string;
  /** Stops the embedded server if this process started it. */
  release(): Promise<void>;
}

function runningEmbedded(dataDir: string): boolean {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return false;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function resolveDatabase(env: Env): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL)
    return {
      url: env.DATABASE_URL,
      migrateUrl: env.DATABASE_MIGRATE_URL ?? env.DATABASE_URL,
      release: async () => undefined,
    };
  const { dir } = resolveDataDir(path.join(env.dataDir, 'pg'));
  let resolved: ResolvedDatabase;
  if (runningEmbedded(dir)) {
    resolved = { ...embeddedUrls(dir, env.REKEY_PG_PORT), release: async () => undefined };
  } else {
    const opened = await openEmbeddedDatabase({ dataDir: dir, port: env.REKEY_PG_PORT });
    resolved = { url: opened.url, migrateUrl: opened.migrateUrl, release: () => opened.handle.stop() };
  }
  if (resolved.migrateUrl) process.env.DATABASE_MIGRATE_URL ??= resolved.migrateUrl;
  return resolved;
}
