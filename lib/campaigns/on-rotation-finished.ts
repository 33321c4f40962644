/**
 * The campaigns' subscriber to the rotation engine's events (lib/rotation/rotation-events.ts),
 * run inside the transaction that moves a campaign rotation to a terminal state or to
 * NEEDS_ATTENTION: records the outcome on the campaign item and queues a
 * `campaign.tick` (one waiting per campaign, however many rotations finish together).
 *
 * The item is matched by (campaign, connector), not only by rotation id, so an outcome that
 * arrives before the dispatcher linked the rotation to its item is not lost. A CANCELLED item
 * (campaign cancelled while its rotation ran) gets the rotation's real outcome. The outcome lock
 * (campaign-outcome-lock.ts) makes the tick that waits in the queue count this outcome.
 */
import { type Prisma } from '@/lib/db';
import { campaignTickJob, enqueueCampaignTick } from '@/lib/campaigns/campaign-tick.job';
import { outcomeLockHeld } from '@/lib/campaigns/campaign-outcome-lock';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import type { RotationSubscriber } from '@/lib/rotation/rotation-events';

export interface FinishedRotation {
  id: string;
  campaignId: string | null;
  connectorId: string;
  state: string;
  errorMessage?: string | null;
}

const TERMINAL: Record<string, 'SUCCEEDED' | 'FAILED' | 'CANCELLED'> = {
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  ROLLED_BACK: 'FAILED',
  CANCELLED: 'CANCELLED',
};

/** Returns true when an item was updated. */
export async function onRotationFinished(
  tx: Prisma.TransactionClient,
  rotation: FinishedRotation,
  now: Date = new Date(),
): Promise<boolean> {
  if (!rotation.campaignId) return false;
  const itemState = TERMINAL[rotation.state];
  if (!itemState && rotation.state !== 'NEEDS_ATTENTION') return false;
  // The outcome lock is taken by the statement that writes the outcome, before it touches a row.
  const locked = outcomeLockHeld(rotation.campaignId);
  let n = 0;
  if (itemState) {
    n = await tx.$executeRaw`
      UPDATE "CampaignItem" SET state = ${itemState}::"CampaignItemState", "rotationId" = ${rotation.id}::uuid, message = ${rotation.errorMessage ?? null}, "updatedAt" = ${now}
      WHERE "campaignId" = ${rotation.campaignId}::uuid AND "connectorId" = ${rotation.connectorId}::uuid
        AND ("rotationId" IS NULL OR "rotationId" = ${rotation.id}::uuid) AND state IN ('RUNNING', 'CANCELLED') AND ${locked}`;
  } else {
    n = await tx.$executeRaw`
      UPDATE "CampaignItem" SET message = ${rotation.errorMessage ?? 'Needs attention.'}, "updatedAt" = ${now}
      WHERE "campaignId" = ${rotation.campaignId}::uuid AND "rotationId" = ${rotation.id}::uuid AND ${locked}`;
  }
  await enqueueCampaignTick(tx, rotation.campaignId);
  return n > 0;
}

/** `rotation.finished` / `rotation.needs_attention` → the item's outcome, and a tick woken after commit. */
export const recordCampaignOutcome: RotationSubscriber<'rotation.finished' | 'rotation.needs_attention'> = async (
  tx,
  event,
  { now, afterCommit },
) => {
  if (!event.rotation.campaignId) return;
  await onRotationFinished(
    tx,
    {
      id: event.rotation.id,
      campaignId: event.rotation.campaignId,
      connectorId: event.rotation.connectorId,
      state: event.type === 'rotation.finished' ? event.state : 'NEEDS_ATTENTION',
      errorMessage: event.errorMessage,
    },
    now,
  );
  afterCommit(() => notifyJobQueued(campaignTickJob.name));
};
