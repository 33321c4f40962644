/**
 * The answers of /api/health and the admin banner, as reads `(ctx)` (lib/use-case.ts) for whoever
 * `ctx.principal` is: strangers learn only whether the dashboard and its database answer; admins get
 * the details. Unlike a use case, an absent principal here is nobody signed in (these answer the
 * public route and the dashboard shell), so it is told nothing beyond `{ ok }`.
 */
import { hasRole } from '@/lib/auth/principal';
import { Prisma, queryRows } from '@/lib/db';
import {
  getSystemHealth,
  heartbeatsFromJson,
  heartbeatsJsonSql,
  summarizeHeartbeats,
  type HeartbeatsJson,
  type SystemHealth,
} from '@/lib/ops/get-system-health';
import { ONBOARDING_SETTING, type OnboardingProgress } from '@/lib/ops/onboarding-progress';
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

/**
 * What the dashboard shell's banners show on every page (app/(dashboard)/layout.tsx), in one
 * statement: what an admin should act on now (crash loops, no live worker; empty for everyone
 * else) and the fleet's onboarding while it runs or stopped unfinished (any signed-in user).
 * Nobody signed in: nothing. A failed read shows no banner rather than failing the page.
 */
export async function findShellBanners(
  ctx: HealthContext,
): Promise<{ problems: string[]; onboarding: OnboardingProgress | null }> {
  const { principal } = ctx;
  if (!principal) return { problems: [], onboarding: null };
  const admin = hasRole(principal, 'admin');
  try {
    // Raw on the direct pool (ADR 038).
    const [row] = await queryRows<{ onboarding: OnboardingProgress | null; beats: HeartbeatsJson | null }>(
      ctx.db,
      Prisma.sql`SELECT (SELECT "value" FROM "Setting" WHERE "key" = ${ONBOARDING_SETTING}) AS onboarding,
        ${admin ? heartbeatsJsonSql : Prisma.sql`NULL::json`} AS beats`,
    );
    const onboarding = row?.onboarding ?? null;
    return {
      problems: admin && row?.beats ? summarizeHeartbeats(heartbeatsFromJson(row.beats), ctx.now).problems : [],
      onboarding: onboarding && !onboarding.finishedAt ? onboarding : null,
    };
  } catch {
    return { problems: [], onboarding: null };
  }
}
