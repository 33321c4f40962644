import { parseEnv } from '@/lib/env';
import { resolveDatabase } from '@/lib/runtime/database';

/** Runs `fn` with DATABASE_URL resolved (embedded PostgreSQL when unset), then disconnects. */
export async function withCliDb<T>(fn: () => Promise<T>): Promise<T> {
  const resolved = await resolveDatabase(parseEnv());
  process.env.DATABASE_URL = resolved.url;
  try {
    return await fn();
  } finally {
    const { disconnectDb } = await import('@/lib/db');
    await disconnectDb();
    await resolved.release();
  }
}
