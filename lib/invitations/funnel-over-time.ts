/**
 * The invitation funnel over time, for the vendor's chart: per UTC day of the window, how many of
 * the given invitations had by the end of that day been sent, opened, signed in, rotated, or had
 * failed (each invitation counted once per milestone, at the first time it reached it — from its
 * InvitationEvent history, so the curve never goes back when a later state replaces an earlier one).
 * A read `(ctx, input)` (lib/use-case.ts), the window ending on the day of `ctx.now`; the ids come
 * from listInvitations, which applied the caller's scope.
 */
import type { InvitationState } from '@/generated/prisma/enums';
import type { UseCaseContext } from '@/lib/use-case';

export const FUNNEL_MILESTONES = ['SENT', 'OPENED', 'SIGNED_IN', 'ROTATED', 'FAILED'] as const;
export type FunnelMilestone = (typeof FUNNEL_MILESTONES)[number];

/** Reaching a later step implies the earlier ones (a signed-in admin opened the link). */
const IMPLIES: Record<InvitationState, FunnelMilestone[]> = {
  SENT: ['SENT'],
  OPENED: ['SENT', 'OPENED'],
  WRONG_TENANT: ['SENT', 'OPENED'],
  INSUFFICIENT_ROLE: ['SENT', 'OPENED'],
  CONSENT_DECLINED: ['SENT', 'OPENED'],
  SIGNED_IN: ['SENT', 'OPENED', 'SIGNED_IN'],
  ROTATING: ['SENT', 'OPENED', 'SIGNED_IN'],
  ROTATED: ['SENT', 'OPENED', 'SIGNED_IN', 'ROTATED'],
  FAILED: ['SENT', 'FAILED'],
  REVOKED: ['SENT'],
};

export interface FunnelDay {
  day: string;
  counts: Record<FunnelMilestone, number>;
}

const DAY = 86_400_000;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export async function funnelOverTime(
  ctx: Pick<UseCaseContext, 'db' | 'now'>,
  input: { invitationIds: string[]; days?: number },
): Promise<FunnelDay[]> {
  const { now } = ctx;
  const { invitationIds } = input;
  const days = input.days ?? 14;
  const events = invitationIds.length
    ? await ctx.db.invitationEvent.findMany({
        where: { invitationId: { in: invitationIds } },
        select: { invitationId: true, state: true, at: true },
      })
    : [];
  // First time each invitation reached each milestone.
  const first = new Map<string, Date>();
  for (const e of events)
    for (const m of IMPLIES[e.state]) {
      const k = `${e.invitationId}:${m}`;
      const seen = first.get(k);
      if (!seen || e.at < seen) first.set(k, e.at);
    }
  const reached = [...first].map(([k, at]) => ({ m: k.slice(k.lastIndexOf(':') + 1) as FunnelMilestone, at }));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const out: FunnelDay[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const start = today - i * DAY;
    const end = new Date(start + DAY);
    const counts = Object.fromEntries(FUNNEL_MILESTONES.map((m) => [m, 0])) as Record<FunnelMilestone, number>;
    for (const r of reached) if (r.at < end) counts[r.m] += 1;
    out.push({ day: dayOf(new Date(start)), counts });
  }
  return out;
}
