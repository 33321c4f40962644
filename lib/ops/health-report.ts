/**
 * The answers of /api/health and the admin banner, for a principal (or nobody): strangers learn
 * only whether the dashboard and its database answer; admins get the details.
 */
import { db } from '@/lib/db';
import { hasRole, type Principal } from '@/lib/auth/principal';
import { getSystemHealth, readHeartbeats, type SystemHealth } from '@/lib/ops/get-system-health';
import { readOnboardingProgress, type OnboardingProgress } from '@/lib/ops/onboarding-progress';

export async function healthReport(
  principal: Principal | null,
  now: Date,
): Promise<{ status: number; body: { ok: boolean } | SystemHealth }> {
  if (principal && hasRole(principal, 'admin')) {
    const health = await getSystemHealth(db, now);
    return { status: health.database.ok ? 200 : 503, body: health };
  }
  try {
    await db.$queryRaw`SELECT 1`;
    return { status: 200, body: { ok: true } };
  } catch {
    return { status: 503, body: { ok: false } };
  }
}

/** What an admin should act on now (crash loops, no live worker); empty for everyone else. */
export async function findSystemProblems(principal: Principal | null, now: Date): Promise<string[]> {
  if (!principal || !hasRole(principal, 'admin')) return [];
  try {
    return (await readHeartbeats(db, now)).problems;
  } catch {
    return [];
  }
}

/** The fleet's onboarding while it runs or stopped unfinished, for any signed-in user; else null. */
export async function findOnboarding(principal: Principal | null): Promise<OnboardingProgress | null> {
  if (!principal) return null;
  const progress = await readOnboardingProgress(db).catch(() => null);
  return progress && !progress.finishedAt ? progress : null;
}
