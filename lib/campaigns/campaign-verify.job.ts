/**
 * `campaign.verify`: the verification read of a running campaign's succeeded items, while the rest
 * still rotate (ADR 043). Without it the whole read came after the last rotation: 3,600 tenants,
 * ~25 s of round trips, sixteen at a time, in one process. Queued by the dispatcher (tick-campaign.ts)
 * once `ROLLING_VERIFY_MIN` succeeded items wait for it; one waiting per campaign.
 *
 * It reads in slices, the longest finished first, under the campaign's verify try-lock (the
 * final read takes the same lock). A tick that found the lock held left the campaign to the holder:
 * so, when nothing of the campaign is queued or running any more, this job queues a tick, which
 * reads what is left and finishes the campaign.
 */
import { z } from 'zod';
import { db, type Prisma } from '@/lib/db';
import { enqueue } from '@/lib/jobs/enqueue';
import { defineJob } from '@/lib/jobs/job-definition';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { tryWithCampaignVerifyLock } from '@/lib/campaigns/campaign-dispatch-lock';
import { CAMPAIGN_TICK_QUEUE, enqueueCampaignTick } from '@/lib/campaigns/campaign-tick-queue';
import { readyToVerify, verifyCampaignOnTargets, type VerifyResult } from '@/lib/campaigns/verify-campaign';

/** Succeeded items waiting for the read before the dispatcher queues it. */
export const ROLLING_VERIFY_MIN = 48;
/** Items read per slice (one query, then `VERIFY_CONCURRENCY` tenants at a time). */
export const VERIFY_SLICE = 192;
/** Slices per run at most; a run that stops with a full slice queues the next. */
const MAX_SLICES = 20;

export const CampaignVerifyData = z.object({ campaignId: z.uuid() });

export interface VerifyRunDeps {
  now(): Date;
  /** Items per slice (VERIFY_SLICE). */
  slice: number;
  read(campaignId: string, now: Date, slice: number): Promise<VerifyResult>;
  /** Queues a tick for the campaign (it finishes it) and wakes a worker. */
  tick(campaignId: string): Promise<void>;
}

const DEFAULT_DEPS: VerifyRunDeps = {
  now: () => new Date(),
  slice: VERIFY_SLICE,
  read: (campaignId, now, slice) => verifyCampaignOnTargets(campaignId, { now, slice }),
  async tick(campaignId) {
    await db.$transaction((tx) => enqueueCampaignTick(tx, campaignId));
    notifyJobQueued(CAMPAIGN_TICK_QUEUE.name);
  },
};

/** Returns the items read, or null when another process held the campaign's verify lock. */
export async function verifyRunningCampaign(campaignId: string, deps: VerifyRunDeps = DEFAULT_DEPS) {
  let read = 0;
  let more = false;
  const held = await tryWithCampaignVerifyLock(campaignId, async () => {
    for (let i = 0; i < MAX_SLICES; i++) {
      const r = await deps.read(campaignId, deps.now(), deps.slice);
      read += r.read;
      more = r.read === deps.slice;
      if (!more) break;
    }
  });
  if (!held) return null;
  if (more) await queueCampaignVerify(campaignId);
  else if (await readyToVerify(db, campaignId)) await deps.tick(campaignId);
  return read;
}

export const campaignVerifyJob = defineJob<z.infer<typeof CampaignVerifyData>>({
  name: 'campaign.verify',
  queue: { policy: 'short', retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 600 },
  schema: CampaignVerifyData,
  async handle({ campaignId }) {
    await verifyRunningCampaign(campaignId);
  },
});

/** Queue the read inside `tx` (dropped when one already waits). */
export async function enqueueCampaignVerify(tx: Prisma.TransactionClient, campaignId: string): Promise<void> {
  await enqueue(tx, campaignVerifyJob, { campaignId }, { singletonKey: campaignId });
}

async function queueCampaignVerify(campaignId: string): Promise<void> {
  await db.$transaction((tx) => enqueueCampaignVerify(tx, campaignId));
  notifyJobQueued(campaignVerifyJob.name);
}
