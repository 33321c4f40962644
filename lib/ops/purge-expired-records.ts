/**
 * Housekeeping: sessions past their absolute or idle expiry (they can no longer sign anyone in,
 * but their rows keep the client address and user agent), and heartbeats of processes that
 * stopped reporting a week ago. Sign-in flows are not stored (a sealed cookie that expires after
 * ten minutes, lib/auth/sign-in-flow.ts), so there is nothing of theirs to purge.
 */
import type { Db } from '@/lib/db';
import { deleteExpiredSessions, type SessionPolicy } from '@/lib/auth/session';

export const HEARTBEAT_RETENTION_MS = 7 * 24 * 3600_000;

export async function purgeExpiredRecords(
  db: Db,
  now: Date,
  policy: SessionPolicy,
): Promise<{ sessions: number; heartbeats: number }> {
  const sessions = await deleteExpiredSessions(db, now, policy);
  const { count: heartbeats } = await db.processHeartbeat.deleteMany({
    where: { beatAt: { lt: new Date(now.getTime() - HEARTBEAT_RETENTION_MS) } },
  });
  return { sessions, heartbeats };
}
