/**
 * Pauses a RUNNING campaign: no new rotations start; the ones running finish (their outcome is
 * still recorded on the items).
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { loadCampaignForChange, requireUuid } from '@/lib/campaigns/campaign-access';
import type { UseCaseContext } from '@/lib/use-case';

export async function pauseCampaign(ctx: UseCaseContext, campaignId: string) {
  requireUuid(campaignId);
  return ctx.db.$transaction(async (tx) => {
    const campaign = await loadCampaignForChange(tx, campaignId, ctx.principal, 'operator', ['RUNNING'], 'paused');
    const next = await tx.campaign.update({ where: { id: campaignId }, data: { state: 'PAUSED' } });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'campaign.paused',
        targetType: 'campaign',
        targetId: campaignId,
        before: { state: campaign.state },
        after: { state: 'PAUSED', reason: 'manual' },
      },
      ctx.now,
    );
    return next;
  });
}
