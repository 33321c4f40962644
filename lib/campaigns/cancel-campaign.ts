/**
 * Cancels a campaign that has not finished. Queued items (and items claimed by a dispatcher
 * that has not started their rotation yet) become CANCELLED. Rotations already running are not
 * interrupted: a half-done rotation is the rotation engine's to stop (it refuses once the old
 * credential may be gone). After the commit each running rotation is offered a cancel through
 * lib/rotation's `cancelRotation`, which cancels it only where its rules say that is safe (before
 * the old credential may have been removed; it first takes the new key out again). Refused ones
 * run to their end, and their outcome is still recorded on their items (onRotationFinished).
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { isRekeyError } from '@/lib/errors';
import { loadCampaignForChange, requireUuid } from '@/lib/campaigns/campaign-access';
import { countCampaignItems } from '@/lib/campaigns/count-campaign-items';
import { notify } from '@/lib/notifications/notify';
import { cancelRotation } from '@/lib/rotation/cancel-rotation';
import { asSystem, type UseCaseContext } from '@/lib/use-case';

export interface CancelCampaignOptions {
  /** Offer a cancel to each running rotation (default true). */
  cancelRunning?: boolean;
}

export async function cancelCampaign(ctx: UseCaseContext, campaignId: string, opts: CancelCampaignOptions = {}) {
  requireUuid(campaignId);
  const result = await ctx.db.$transaction(async (tx) => {
    const campaign = await loadCampaignForChange(
      tx,
      campaignId,
      ctx.principal,
      'operator',
      ['DRAFT', 'AWAITING_APPROVAL', 'APPROVED', 'RUNNING', 'PAUSED'],
      'cancelled',
    );
    const cancelled = await tx.campaignItem.updateMany({
      where: { campaignId, OR: [{ state: 'QUEUED' }, { state: 'RUNNING', rotationId: null }] },
      data: { state: 'CANCELLED', message: 'Campaign cancelled before this connector was started.' },
    });
    const stillRunning = await tx.campaignItem.count({ where: { campaignId, state: 'RUNNING' } });
    const next = await tx.campaign.update({
      where: { id: campaignId },
      data: { state: 'CANCELLED', finishedAt: ctx.now },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'campaign.cancelled',
        targetType: 'campaign',
        targetId: campaignId,
        before: { state: campaign.state },
        after: { state: 'CANCELLED', itemsCancelled: cancelled.count, rotationsLeftRunning: stillRunning },
      },
      ctx.now,
    );
    await notify(
      tx,
      {
        kind: 'campaign.finished',
        campaignId,
        name: campaign.name,
        state: 'CANCELLED',
        totals: await countCampaignItems(tx, campaignId),
      },
      ctx.now,
    );
    return {
      campaign: next,
      itemsCancelled: cancelled.count,
      rotationsLeftRunning: stillRunning,
      rotationsCancelled: 0,
      rotationsRefused: 0,
    };
  });
  if (opts.cancelRunning === false || result.rotationsLeftRunning === 0) return result;
  const running = await ctx.db.campaignItem.findMany({
    where: { campaignId, state: 'RUNNING', rotationId: { not: null } },
    select: { rotationId: true },
  });
  for (const r of running) {
    try {
      await cancelRotation(asSystem(ctx), r.rotationId!);
      result.rotationsCancelled++;
    } catch (e) {
      if (!isRekeyError(e)) throw e;
      result.rotationsRefused++; // not safe to stop here (or busy): it runs to its end
    }
  }
  return result;
}
