import { parseEnv } from '@/lib/env';
import { resolveDatabase } from '@/lib/runtime/database';
import { migrateDatabase } from '@/lib/runtime/migrate';

/**
 * Runs `fn` with DATABASE_URL pointing at the configured (or embedded) database and releases it
 * afterwards. lib/db is imported lazily so the URL is set first. `migrate: true` applies pending
 * migrations first (a `prisma migrate deploy` child process: seconds, so only where needed).
 */
export async function withDb<T>(fn: (url: string) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
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
