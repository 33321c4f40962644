/**
 * Retries a campaign's exceptions (all, or the items listed): FAILED and CANCELLED items are
 * queued again — the old rotations stay in the history (Rotation.campaignId) and the items get
 * fresh rotations when the dispatcher reaches them — and items whose rotation needs attention have
 * that rotation's stopped step run again. A FINISHED campaign runs again; a PAUSED one stays
 * paused until resumed.
 */
import { z } from 'zod';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { RekeyError } from '@/lib/errors';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { loadCampaignForChange, requireUuid } from '@/lib/campaigns/campaign-access';
import { campaignTickJob, enqueueCampaignTick } from '@/lib/campaigns/campaign-tick.job';
import type { UseCaseContext } from '@/lib/use-case';
import { retryRotation } from '@/lib/rotation/retry-rotation';

export const RetryFailedSchema = z.object({
  campaignId: z.uuid(),
  itemIds: z.array(z.uuid()).min(1).max(100_000).optional(),
});
export type RetryFailedInput = z.infer<typeof RetryFailedSchema>;

export async function retryFailed(ctx: UseCaseContext, input: RetryFailedInput) {
  const parsed = RetryFailedSchema.safeParse(input);
  if (!parsed.success)
    throw new RekeyError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { campaignId, itemIds } = parsed.data;
  requireUuid(campaignId);
  const result = await ctx.db.$transaction(async (tx) => {
    const campaign = await loadCampaignForChange(
      tx,
      campaignId,
      ctx.principal,
      'operator',
      ['RUNNING', 'PAUSED', 'FINISHED'],
      'retried',
    );
    const requeued = await tx.campaignItem.updateMany({
      where: { campaignId, state: { in: ['FAILED', 'CANCELLED'] }, ...(itemIds ? { id: { in: itemIds } } : {}) },
      data: { state: 'QUEUED', rotationId: null, message: null },
    });
    const attention = await tx.campaignItem.findMany({
      where: {
        campaignId,
        state: 'RUNNING',
        rotation: { state: 'NEEDS_ATTENTION' },
        ...(itemIds ? { id: { in: itemIds } } : {}),
      },
      select: { rotationId: true },
    });
    if (requeued.count === 0 && attention.length === 0)
      throw new RekeyError(
        'CONFLICT',
        `Campaign "${campaign.name}" has no failed, cancelled or needs-attention items to retry.`,
      );
    const state = campaign.state === 'FINISHED' ? 'RUNNING' : campaign.state;
    const next = await tx.campaign.update({
      where: { id: campaignId },
      data: { state, ...(campaign.state === 'FINISHED' ? { finishedAt: null } : {}) },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'campaign.retry_failed',
        targetType: 'campaign',
        targetId: campaignId,
        before: { state: campaign.state },
        after: { state, requeued: requeued.count, rotationsRetried: attention.length },
      },
      ctx.now,
    );
    if (state === 'RUNNING') await enqueueCampaignTick(tx, campaignId);
    return { campaign: next, requeued: requeued.count, attention: attention.map((a) => a.rotationId!) };
  });
  if (result.campaign.state === 'RUNNING') notifyJobQueued(campaignTickJob.name);
  // Each rotation retry is its own audited transaction (lib/rotation's admin event).
  let rotationsRetried = 0;
  for (const rotationId of result.attention) {
    await retryRotation(ctx, rotationId);
    rotationsRetried++;
  }
  return { campaign: result.campaign, requeued: result.requeued, rotationsRetried };
}
