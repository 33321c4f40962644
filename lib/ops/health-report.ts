/**
 * The answers of /api/health and the admin banner, as reads `(ctx)` (lib/use-case.ts) for whoever
 * `ctx.principal` is: strangers learn only whether the dashboard and its database answer; admins get
 * the details. Unlike a use case, an absent principal here is nobody signed in (these answer the
 * public route and the dashboard shell), so it is told nothing beyond `{ ok }`.
 */
import { hasRole } from '@/lib/auth/principal';
import { getSystemHealth, readHeartbeats, type SystemHealth } from '@/lib/ops/get-system-health';
import { readOnboardingProgress, type OnboardingProgress } from '@/lib/ops/onboarding-progress';
import type { UseCaseContext } from '@/lib/use-case';

type HealthContext = Pick<UseCaseContext, 'db' | 'principal' | 'now'>;

export async function healthReport(
  ctx: HealthContext,
): Promise<{ status: number; body: { ok: boolean } | SystemHealth }> {
  const { db, principal, now } = ctx;
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
export async function findSystemProblems(ctx: HealthContext): Promise<string[]> {
  const { principal } = ctx;
  if (!principal || !hasRole(principal, 'admin')) return [];
  try {
    return (await readHeartbeats(ctx.db, ctx.now)).problems;
  } catch {
    return [];
  }
}

/** The fleet's onboarding while it runs or stopped unfinished, for any signed-in user; else null. */
export async function findOnboarding(
  ctx: Pick<UseCaseContext, 'db' | 'principal'>,
): Promise<OnboardingProgress | null> {
  if (!ctx.principal) return null;
  const progress = await readOnboardingProgress(ctx.db).catch(() => null);
  return progress && !progress.finishedAt ? progress : null;
}
