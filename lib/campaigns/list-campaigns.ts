/**
 * The campaigns list: newest first, each with its item totals (one GROUP BY for the page).
 * A scoped principal sees the campaigns whose every item lies inside their scope.
 */
import type { Db, Prisma } from '@/lib/db';
import { shareOf } from '@/lib/utils';
import { deriveCampaignOutcome, itemTally, VERIFIED_ON_TARGET, type ItemTally } from '@/lib/campaigns/campaign-outcome';

type ItemKey = Exclude<keyof ItemTally, 'needsAttention' | 'skippedOnTarget'>;
import { isFleetWide, tenantScopeWhere, type Principal } from '@/lib/auth/principal';
import type { UseCaseContext } from '@/lib/use-case';
import { requireCallerRole } from '@/lib/auth/caller-role';

export async function listCampaigns(
  db: Db,
  opts: { principal?: Principal; states?: Prisma.CampaignWhereInput['state']; page?: number; pageSize?: number } = {},
) {
  const pageSize = Math.min(Math.max(opts.pageSize ?? 25, 1), 100);
  const page = Math.max(opts.page ?? 1, 1);
  const and: Prisma.CampaignWhereInput[] = [];
  if (opts.states) and.push({ state: opts.states });
  if (opts.principal && !isFleetWide(opts.principal, 'viewer')) {
    and.push({ items: { none: { connector: { tenant: { NOT: tenantScopeWhere(opts.principal, 'viewer') } } } } });
  }
  const where: Prisma.CampaignWhereInput = { AND: and };
  const [total, campaigns] = await Promise.all([
    db.campaign.count({ where }),
    db.campaign.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
  ]);
  const counts = campaigns.length
    ? await db.campaignItem.groupBy({
        by: ['campaignId', 'state'],
        where: { campaignId: { in: campaigns.map((c) => c.id) } },
        _count: { _all: true },
      })
    : [];
  // Skips that count as success: verified on the target by the final read (verify-campaign.ts).
  const onTarget = campaigns.length
    ? await db.campaignItem.groupBy({
        by: ['campaignId'],
        where: {
          campaignId: { in: campaigns.map((c) => c.id) },
          state: 'SKIPPED',
          message: { startsWith: VERIFIED_ON_TARGET },
        },
        _count: { _all: true },
      })
    : [];
  const rows = campaigns.map((c) => {
    const { needsAttention: _none, ...zero } = itemTally();
    const byState: Record<string, number> = { ...zero };
    for (const r of counts) if (r.campaignId === c.id) byState[r.state] = r._count._all;
    const totalItems = Object.values(byState).reduce((a, b) => a + b, 0);
    const doneItems = totalItems - byState.QUEUED! - byState.RUNNING!;
    return {
      id: c.id,
      name: c.name,
      state: c.state,
      mode: c.mode,
      createdAt: c.createdAt,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      deadline: c.deadline,
      requiresApproval: c.requiresApproval,
      approvedAt: c.approvedAt,
      byState,
      total: totalItems,
      doneShare: shareOf(doneItems, totalItems),
      outcome: deriveCampaignOutcome(c.state, {
        ...(byState as Record<ItemKey, number>),
        needsAttention: 0,
        skippedOnTarget: onTarget.find((x) => x.campaignId === c.id)?._count._all ?? 0,
      }),
    };
  });
  return { rows, total, page, pageSize };
}

/** The campaigns the caller may view (every tenant they touch in the caller's scope), a page at a time. */
export async function listCampaignsFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal'>,
  input: { page?: number; pageSize?: number },
) {
  requireCallerRole(ctx, 'viewer', 'Campaigns');
  return listCampaigns(ctx.db, { principal: ctx.principal, ...input });
}
