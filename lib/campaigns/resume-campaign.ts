/**
 * Resumes a PAUSED campaign. When the current wave has nothing left to run (the dispatcher
 * paused at its gate), resuming is the operator's decision to go on despite its failures: the
 * campaign moves to the next wave (recorded in the audit event). To re-run the failed items and
 * gate again instead, retry the failed first (retryFailed), then resume.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { loadCampaignForChange, requireUuid } from '@/lib/campaigns/campaign-access';
import { campaignTickJob, enqueueCampaignTick } from '@/lib/campaigns/campaign-tick.job';
import type { UseCaseContext } from '@/lib/use-case';

export async function resumeCampaign(ctx: UseCaseContext, campaignId: string) {
  requireUuid(campaignId);
  const updated = await ctx.db.$transaction(async (tx) => {
    const campaign = await loadCampaignForChange(tx, campaignId, ctx.principal, 'operator', ['PAUSED'], 'resumed');
    const waveCount = Array.isArray(campaign.waves) ? campaign.waves.length : 1;
    const open = await tx.campaignItem.count({
      where: { campaignId, wave: { lte: campaign.currentWave }, state: { in: ['QUEUED', 'RUNNING'] } },
    });
    const failed = await tx.campaignItem.count({ where: { campaignId, wave: campaign.currentWave, state: 'FAILED' } });
    const overrideGate = open === 0 && campaign.currentWave < waveCount - 1;
    const currentWave = overrideGate ? campaign.currentWave + 1 : campaign.currentWave;
    const next = await tx.campaign.update({ where: { id: campaignId }, data: { state: 'RUNNING', currentWave } });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'campaign.resumed',
        targetType: 'campaign',
        targetId: campaignId,
        before: { state: campaign.state, currentWave: campaign.currentWave },
        after: {
          state: 'RUNNING',
          currentWave,
          ...(overrideGate ? { gateOverridden: { wave: campaign.currentWave, failed } } : {}),
        },
      },
      ctx.now,
    );
    await enqueueCampaignTick(tx, campaignId);
    return next;
  });
  notifyJobQueued(campaignTickJob.name);
  return updated;
}
