/**
 * Zero standing access, also for admins who sign in and walk away: a customer's delegated tokens
 * are deleted when they are not carrying a rotation — an hour after sign-in without a confirmation,
 * or at once when the invitation was revoked, expired or ended. Runs with the rotation sweep
 * (every minute). Rotations under way (ROTATING) keep theirs; their end deletes them.
 * Takes the use-case context (lib/use-case.ts): its database, and `now` as the time of the sweep.
 */
import type { UseCaseContext } from '@/lib/use-case';

export const IDLE_TOKEN_TTL_MS = 60 * 60_000;

export async function sweepDelegatedTokens(ctx: Pick<UseCaseContext, 'db' | 'now'>): Promise<number> {
  const { db, now } = ctx;
  const idleSince = new Date(now.getTime() - IDLE_TOKEN_TTL_MS);
  const r = await db.delegatedToken.deleteMany({
    where: {
      invitation: {
        state: { not: 'ROTATING' },
        OR: [
          { revokedAt: { not: null } },
          { usedAt: { not: null } },
          { expiresAt: { lte: now } },
          { state: { in: ['ROTATED', 'FAILED', 'REVOKED', 'WRONG_TENANT', 'INSUFFICIENT_ROLE', 'CONSENT_DECLINED'] } },
        ],
      },
    },
  });
  const idle = await db.delegatedToken.deleteMany({
    where: { createdAt: { lte: idleSince }, invitation: { state: { not: 'ROTATING' } } },
  });
  return r.count + idle.count;
}
