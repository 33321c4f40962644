/**
 * `campaign.tick`: run the dispatcher for one campaign (see tick-campaign.ts). Queued with the
 * campaign id as singletonKey on a `short` queue: however many rotations finish at once, at most
 * one tick per campaign waits in the queue.
 *
 * A tick queued inside a transaction is dropped when one already waits — and the waiting one may
 * start before that transaction commits, read the campaign without its change, and be the last
 * tick (a campaign whose last rotation ended so would stay RUNNING until the minute's sweep).
 * So a change whose tick was dropped queues one again once it committed (`tickAfterCommit`).
 */
import { z } from 'zod';
import type { Prisma } from '@/lib/db';
import { enqueue } from '@/lib/jobs/enqueue';
import { defineJob } from '@/lib/jobs/job-definition';
import { jobBoss, ensureQueue } from '@/lib/jobs/job-queues';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { log } from '@/lib/log';
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

/**
 * Queue a tick inside `tx`. Returns false when it was dropped because one already waits: the
 * caller then calls `tickAfterCommit` once `tx` committed.
 */
export async function enqueueCampaignTick(
  tx: Prisma.TransactionClient,
  campaignId: string,
  startAfter?: Date,
): Promise<boolean> {
  const id = await enqueue(
    tx,
    campaignTickJob,
    { campaignId },
    { singletonKey: campaignId, ...(startAfter ? { startAfter } : {}) },
  );
  return id !== null;
}

/**
 * After the commit of a transaction that called `enqueueCampaignTick`: wake the local worker for
 * the tick it queued, or, when it was dropped, queue one again (`tickAfterCommit`).
 */
export function wakeCampaignTick(campaignId: string, queuedInTransaction: boolean): void {
  if (queuedInTransaction) notifyJobQueued(campaignTickJob.name);
  else tickAfterCommit(campaignId);
}

/** Campaigns with a send scheduled here that has not started yet (it will see every commit before it). */
const scheduled = new Set<string>();

/**
 * After a commit whose in-transaction tick was dropped: queue a tick (outside any transaction),
 * so one starts after this commit, and wake the local worker. Calls for the same campaign while a
 * send is scheduled but not started share it. A failure is logged; the minute's `campaign.sweep`
 * ticks every running campaign anyway.
 */
export function tickAfterCommit(campaignId: string): void {
  if (scheduled.has(campaignId)) return;
  scheduled.add(campaignId);
  setImmediate(() => {
    scheduled.delete(campaignId);
    void (async () => {
      await ensureQueue(campaignTickJob);
      const boss = await jobBoss();
      await boss.send(campaignTickJob.name, { campaignId }, { singletonKey: campaignId });
      notifyJobQueued(campaignTickJob.name);
    })().catch((e: unknown) =>
      log.warn('campaign tick not queued after commit; the sweep will tick the campaign', {
        campaignId,
        error: e instanceof Error ? e.message : String(e),
      }),
    );
  });
}
