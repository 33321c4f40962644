/** Item counts by state for one campaign (for audit events and notifications). */
import type { Prisma } from '@/lib/db';

export async function countCampaignItems(
  tx: Prisma.TransactionClient,
  campaignId: string,
): Promise<Record<string, number>> {
  const rows = await tx.campaignItem.groupBy({ by: ['state'], where: { campaignId }, _count: { _all: true } });
  const totals: Record<string, number> = { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0 };
  for (const r of rows) totals[r.state] = r._count._all;
  return totals;
}
