/**
 * `campaign.tick`: run the dispatcher for one campaign (see tick-campaign.ts). Queued with the
 * campaign id as singletonKey on a `short` queue: however many rotations finish at once, at most
 * one tick per campaign waits in the queue.
 */
import { z } from 'zod';
import type { Prisma } from '@/lib/db';
import { enqueue } from '@/lib/jobs/enqueue';
import { defineJob } from '@/lib/jobs/job-definition';
import { tickCampaign } from '@/lib/campaigns/tick-campaign';

export const CampaignTickData = z.object({ campaignId: z.uuid() });

export const campaignTickJob = defineJob<z.infer<typeof CampaignTickData>>({
  name: 'campaign.tick',
  queue: { policy: 'short', retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
  schema: CampaignTickData,
  async handle({ campaignId }) {
    await tickCampaign(campaignId);
  },
});

/** Queue a tick inside `tx` (dropped when one is already waiting). */
export async function enqueueCampaignTick(
  tx: Prisma.TransactionClient,
  campaignId: string,
  startAfter?: Date,
): Promise<void> {
  await enqueue(
    tx,
    campaignTickJob,
    { campaignId },
    { singletonKey: campaignId, ...(startAfter ? { startAfter } : {}) },
  );
}
