/**
 * The locks of campaign dispatchers (tick-campaign.ts): the one they hold between claiming items and
 * starting their rotations, and the one a campaign's final verification read holds. Both are
 * session-level advisory locks on a connection of their own, so a holder that dies lets go of them
 * with its connection.
 */
import { leasePool } from '@/lib/rotation/rotation-lease';

/** Advisory-lock class of campaign dispatchers. */
export const DISPATCH_LOCK_NAMESPACE = 0x52_4b_43;
/** Advisory-lock class of a campaign's final verification read ("RKV"). */
export const VERIFY_LOCK_NAMESPACE = 0x52_4b_56;

/**
 * Runs `fn` holding the campaign's lock of class `ns` on a connection of its own: `shared` waits
 * for a shared lock, `try` takes an exclusive one only when free (else `fn` does not run).
 */
async function withSessionLock<T>(
  ns: number,
  campaignId: string,
  mode: 'shared' | 'try',
  fn: (backendPid: number) => Promise<T>,
): Promise<{ held: true; value: T } | { held: false }> {
  const client = await leasePool().connect();
  try {
    const lock =
      mode === 'shared'
        ? 'pg_advisory_lock_shared($1::int, hashtext($2)), true'
        : 'pg_try_advisory_lock($1::int, hashtext($2))';
    const r = await client.query<{ held: boolean; pid: number }>(`SELECT ${lock} AS held, pg_backend_pid() AS pid`, [
      ns,
      campaignId,
    ]);
    if (!r.rows[0]?.held) return { held: false };
    try {
      return { held: true, value: await fn(r.rows[0].pid) };
    } finally {
      const unlock = mode === 'shared' ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock';
      await client.query(`SELECT ${unlock}($1::int, hashtext($2))`, [ns, campaignId]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/**
 * Runs `fn` while holding a SHARED lock for the campaign's dispatchers; `fn` gets that connection's
 * backend pid. "No other holder" means no live dispatcher is between claiming items and starting
 * their rotations.
 */
export async function withCampaignDispatchLock<T>(
  campaignId: string,
  fn: (backendPid: number) => Promise<T>,
): Promise<T> {
  const r = await withSessionLock(DISPATCH_LOCK_NAMESPACE, campaignId, 'shared', fn);
  if (!r.held) throw new Error('unreachable: a shared advisory lock is always granted once waited for');
  return r.value;
}

/**
 * Runs `fn` (the final verification read) unless another process is running it for this campaign:
 * returns false then, without waiting.
 */
export async function tryWithCampaignVerifyLock(campaignId: string, fn: () => Promise<unknown>): Promise<boolean> {
  return (await withSessionLock(VERIFY_LOCK_NAMESPACE, campaignId, 'try', fn)).held;
}
