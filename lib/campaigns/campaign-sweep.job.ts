/**
 * `campaign.sweep` (scheduled every minute): the safety net. Queues a tick for every RUNNING
 * campaign, so a lost wake-up (a crashed worker, a rotation finished by code that does not call
 * onRotationFinished) costs at most a minute. Each tick reconciles items with their rotations.
 */
import { z } from 'zod';
import { db } from '@/lib/db';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { defineJob } from '@/lib/jobs/job-definition';
import { campaignTickJob, enqueueCampaignTick } from '@/lib/campaigns/campaign-tick.job';

export const CAMPAIGN_SWEEP_CRON = '* * * * *';

export async function sweepCampaigns(): Promise<number> {
  const running = await db.campaign.findMany({ where: { state: 'RUNNING' }, select: { id: true } });
  if (running.length === 0) return 0;
  await db.$transaction(async (tx) => {
    for (const c of running) await enqueueCampaignTick(tx, c.id);
  });
  notifyJobQueued(campaignTickJob.name);
  return running.length;
}

export const campaignSweepJob = defineJob<Record<string, never>>({
  name: 'campaign.sweep',
  queue: { policy: 'short', retryLimit: 0, expireInSeconds: 120 },
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async handle() {
    await sweepCampaigns();
  },
});
