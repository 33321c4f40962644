/**
 * Queues a campaign's FAILED items again (all, or the ones listed). The failed rotations stay in
 * the history (Rotation.campaignId); the items get fresh rotations when the dispatcher reaches
 * them. A COMPLETED campaign runs again; a PAUSED one stays paused until resumed.
 */
import { z } from 'zod';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { loadCampaignForChange, requireUuid } from '@/lib/campaigns/campaign-access';
import { campaignTickJob, enqueueCampaignTick } from '@/lib/campaigns/campaign-tick.job';
import type { UseCaseContext } from '@/lib/rotation/rotation-context';

export const RetryFailedSchema = z.object({
  campaignId: z.uuid(),
  itemIds: z.array(z.uuid()).min(1).max(100_000).optional(),
});
export type RetryFailedInput = z.infer<typeof RetryFailedSchema>;

export async function retryFailed(input: RetryFailedInput, ctx: UseCaseContext) {
  const parsed = RetryFailedSchema.safeParse(input);
  if (!parsed.success)
    throw new RekeyError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { campaignId, itemIds } = parsed.data;
  requireUuid(campaignId);
  const result = await db.$transaction(async (tx) => {
    const campaign = await loadCampaignForChange(
      tx,
      campaignId,
      ctx.principal,
      'operator',
      ['RUNNING', 'PAUSED', 'COMPLETED'],
      'retried',
    );
    const requeued = await tx.campaignItem.updateMany({
      where: { campaignId, state: 'FAILED', ...(itemIds ? { id: { in: itemIds } } : {}) },
      data: { state: 'QUEUED', rotationId: null, message: null },
    });
    if (requeued.count === 0)
      throw new RekeyError('CONFLICT', `Campaign "${campaign.name}" has no failed items to retry.`);
    const state = campaign.state === 'COMPLETED' ? 'RUNNING' : campaign.state;
    const next = await tx.campaign.update({
      where: { id: campaignId },
      data: { state, ...(campaign.state === 'COMPLETED' ? { finishedAt: null } : {}) },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'campaign.retry_failed',
        targetType: 'campaign',
        targetId: campaignId,
        before: { state: campaign.state },
        after: { state, requeued: requeued.count },
      },
      ctx.now,
    );
    if (state === 'RUNNING') await enqueueCampaignTick(tx, campaignId);
    return { campaign: next, requeued: requeued.count };
  });
  if (result.campaign.state === 'RUNNING') notifyJobQueued(campaignTickJob.name);
  return result;
}
