/** Starts a DRAFT (and, when required, approved) campaign: RUNNING + audit + first tick, in one transaction. */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { RekeyError } from '@/lib/errors';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { loadCampaignForChange, requireUuid } from '@/lib/campaigns/campaign-access';
import { campaignTickJob, enqueueCampaignTick } from '@/lib/campaigns/campaign-tick.job';
import type { UseCaseContext } from '@/lib/use-case';

export async function startCampaign(ctx: UseCaseContext, campaignId: string) {
  requireUuid(campaignId);
  const updated = await ctx.db.$transaction(async (tx) => {
    const campaign = await loadCampaignForChange(
      tx,
      campaignId,
      ctx.principal,
      'operator',
      ['DRAFT', 'AWAITING_APPROVAL', 'APPROVED'],
      'started',
    );
    if (campaign.state === 'AWAITING_APPROVAL' || (campaign.requiresApproval && !campaign.approvedAt)) {
      throw new RekeyError(
        'CONFLICT',
        `Campaign "${campaign.name}" awaits approval by a second admin before it can start.`,
        { state: campaign.state },
      );
    }
    const next = await tx.campaign.update({
      where: { id: campaignId },
      data: { state: 'RUNNING', startedAt: ctx.now },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'campaign.started',
        targetType: 'campaign',
        targetId: campaignId,
        before: { state: campaign.state },
        after: { state: 'RUNNING' },
      },
      ctx.now,
    );
    await enqueueCampaignTick(tx, campaignId);
    return next;
  });
  notifyJobQueued(campaignTickJob.name);
  return updated;
}
