/**
 * At most one process works on a rotation at a time: a session-level PostgreSQL advisory lock,
 * held on its own connection while a step's Graph calls run (outside any transaction). If the
 * process dies, PostgreSQL drops the connection and the lock with it, so a crash never leaves a
 * rotation locked.
 */
import pg from 'pg';
import { RekeyError } from '@/lib/errors';

export const LOCK_NAMESPACE = 0x52_4b_59; // arbitrary: the advisory-lock class for rotations

// On globalThis: a Next development reload would otherwise open another pool while leases are still
// held on the old one's connections; closeLeasePool() (lib/runtime) ends the one there is.
const globalForLease = globalThis as unknown as { __rekeyLeasePool?: { url: string; pool: pg.Pool } };

/**
 * The pool of connections that hold session-level advisory locks (rotation leases here, the
 * campaign dispatch lock in lib/campaigns): separate from Prisma's, whose connections are shared.
 */
export function leasePool(): pg.Pool {
  const url = process.env.DATABASE_URL;
  if (!url) throw new RekeyError('CONFIG', 'DATABASE_URL is not set.');
  const cur = globalForLease.__rekeyLeasePool;
  if (cur && cur.url === url) return cur.pool;
  const p = new pg.Pool({
    connectionString: url,
    max: Number(process.env.REKEY_WORKER_CONCURRENCY ?? 20) + 2,
    idleTimeoutMillis: 10_000,
  });
  p.on('error', () => undefined);
  globalForLease.__rekeyLeasePool = { url, pool: p };
  return p;
}

export type LeaseResult<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `fn` while holding the rotation's lock; `{ acquired: false }` when someone else holds it
 * (after `waitMs`, default 0: looking again every 100 ms meanwhile — for a person's action that
 * would rather wait out a short look at the tenant than be refused).
 */
export async function withRotationLease<T>(
  rotationId: string,
  fn: () => Promise<T>,
  opts: { waitMs?: number } = {},
): Promise<LeaseResult<T>> {
  const client = await leasePool().connect();
  let locked = false;
  try {
    const until = Date.now() + (opts.waitMs ?? 0);
    for (;;) {
      const r = await client.query<{ ok: boolean }>({
        name: 'rekey_rotation_lease_lock',
        text: 'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS ok',
        values: [LOCK_NAMESPACE, rotationId],
      });
      locked = r.rows[0]?.ok === true;
      if (locked || Date.now() >= until) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    if (!locked) return { acquired: false };
    return { acquired: true, value: await fn() };
  } finally {
    if (locked)
      await client
        .query({
          name: 'rekey_rotation_lease_unlock',
          text: 'SELECT pg_advisory_unlock($1::int, hashtext($2))',
          values: [LOCK_NAMESPACE, rotationId],
        })
        .catch(() => undefined);
    client.release();
  }
}

export async function closeLeasePool(): Promise<void> {
  const cur = globalForLease.__rekeyLeasePool;
  globalForLease.__rekeyLeasePool = undefined;
  await cur?.pool.end();
}
