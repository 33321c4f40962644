/**
 * The locks of campaign dispatchers (tick-campaign.ts): the one they hold between claiming items and
 * starting their rotations, and the one a campaign's final verification read holds.
 */
import { leasePool } from '@/lib/rotation/rotation-lease';

/** Advisory-lock class of campaign dispatchers. */
export const DISPATCH_LOCK_NAMESPACE = 0x52_4b_43;

/**
 * Runs `fn` while holding a SHARED session-level advisory lock for the campaign's dispatchers on
 * a connection of its own; `fn` gets that connection's backend pid. A dispatcher that dies loses
 * the lock with its connection, so "no other holder" means no live dispatcher is between claiming
 * items and starting their rotations.
 */
export async function withCampaignDispatchLock<T>(
  campaignId: string,
  fn: (backendPid: number) => Promise<T>,
): Promise<T> {
  const client = await leasePool().connect();
  try {
    const r = await client.query<{ pid: number }>(
      'SELECT pg_advisory_lock_shared($1::int, hashtext($2)), pg_backend_pid() AS pid',
      [DISPATCH_LOCK_NAMESPACE, campaignId],
    );
    try {
      return await fn(r.rows[0]!.pid);
    } finally {
      await client
        .query('SELECT pg_advisory_unlock_shared($1::int, hashtext($2))', [DISPATCH_LOCK_NAMESPACE, campaignId])
        .catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** Advisory-lock class of a campaign's final verification read ("RKV"). */
export const VERIFY_LOCK_NAMESPACE = 0x52_4b_56;

/**
 * Runs `fn` (the final verification read) unless another process is running it for this campaign:
 * returns false then, without waiting. Held as a session-level advisory lock on a connection of its
 * own for the whole read, so a reader that dies lets go of it with its connection.
 */
export async function tryWithCampaignVerifyLock(campaignId: string, fn: () => Promise<unknown>): Promise<boolean> {
  const client = await leasePool().connect();
  try {
    const r = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS got', [
      VERIFY_LOCK_NAMESPACE,
      campaignId,
    ]);
    if (!r.rows[0]?.got) return false;
    try {
      await fn();
      return true;
    } finally {
      await client
        .query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [VERIFY_LOCK_NAMESPACE, campaignId])
        .catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
