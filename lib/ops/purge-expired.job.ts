/** `ops.purge-expired` (scheduled every 15 minutes): lib/ops/purge-expired-records.ts. */
import { z } from 'zod';
import { defineJob } from '@/lib/jobs/job-definition';

export const PURGE_EXPIRED_CRON = '*/15 * * * *';

export const purgeExpiredJob = defineJob<Record<string, never>>({
  name: 'ops.purge-expired',
  queue: { policy: 'short', retryLimit: 2, retryDelay: 60, expireInSeconds: 300 },
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async handle() {
    const { db } = await import('@/lib/db');
    const { env } = await import('@/lib/env');
    const { sessionPolicyFrom } = await import('@/lib/auth/session');
    const { purgeExpiredRecords } = await import('@/lib/ops/purge-expired-records');
    await purgeExpiredRecords(db, new Date(), sessionPolicyFrom(env()));
  },
});
