/**
 * Resolves the database for processes other than `npm start` (the CLI, the standalone worker):
 * DATABASE_URL when set; otherwise the embedded PostgreSQL, either already running (started by
 * `npm start`) or started here for the duration of the command.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Env } from '@/lib/env';
import { ensureDatabase, resolveDataDir, startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres';

export interface ResolvedDatabase {
  url: string;
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
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, release: async () => undefined };
  const { dir } = resolveDataDir(path.join(env.dataDir, 'pg'));
  const base = `postgres://rekey:rekey@127.0.0.1:${env.REKEY_PG_PORT}`;
  if (runningEmbedded(dir)) return { url: `${base}/rekey`, release: async () => undefined };
  const handle = await startEmbeddedPostgres({ dataDir: dir, port: env.REKEY_PG_PORT });
  await ensureDatabase(handle.urlFor('postgres'), 'rekey');
  return { url: handle.urlFor('rekey'), release: () => handle.stop() };
}
