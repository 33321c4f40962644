/**
 * `campaign.tick`: run the dispatcher for one campaign (see tick-campaign.ts). Queued with the
 * campaign id as singletonKey on a `short` queue (campaign-tick-queue.ts): however many rotations
 * finish at once, at most one tick per campaign waits in the queue.
 */
import type { z } from 'zod';
import { defineJob } from '@/lib/jobs/job-definition';
import { tickCampaign } from '@/lib/campaigns/tick-campaign';
import { CAMPAIGN_TICK_QUEUE, type CampaignTickData } from '@/lib/campaigns/campaign-tick-queue';

export { CampaignTickData, enqueueCampaignTick } from '@/lib/campaigns/campaign-tick-queue';

export const campaignTickJob = defineJob<z.infer<typeof CampaignTickData>>({
  ...CAMPAIGN_TICK_QUEUE,
  async handle({ campaignId }) {
    await tickCampaign(campaignId);
  },
});
