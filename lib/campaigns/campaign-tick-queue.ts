/**
 * The `campaign.tick` queue: its name, options and data, and how a transaction queues a tick.
 * Separate from the job's handler (campaign-tick.job.ts, which runs the dispatcher) so a module the
 * dispatcher imports can queue a tick without importing the dispatcher back.
 */
import { z } from 'zod';
import type { Prisma } from '@/lib/db';
import { enqueue } from '@/lib/jobs/enqueue';
import type { JobQueue } from '@/lib/jobs/job-definition';

export const CampaignTickData = z.object({ campaignId: z.uuid() });

/** A `short` queue keyed by campaign: at most one tick per campaign waits, however many are sent. */
export const CAMPAIGN_TICK_QUEUE: JobQueue<z.infer<typeof CampaignTickData>> = {
  name: 'campaign.tick',
  queue: { policy: 'short', retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
  schema: CampaignTickData,
};

/** Queue a tick inside `tx` (dropped when one is already waiting). */
export async function enqueueCampaignTick(
  tx: Prisma.TransactionClient,
  campaignId: string,
  startAfter?: Date,
): Promise<void> {
  await enqueue(
    tx,
    CAMPAIGN_TICK_QUEUE,
    { campaignId },
    { singletonKey: campaignId, ...(startAfter ? { startAfter } : {}) },
  );
}
