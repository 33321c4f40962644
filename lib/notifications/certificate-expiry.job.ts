/** `notification.expiry-check` (scheduled daily): announce certificates entering the expiry window. */
import { z } from 'zod';
import { defineJob } from '@/lib/jobs/job-definition';

export const CERTIFICATE_EXPIRY_CRON = '0 7 * * *';

export const certificateExpiryJob = defineJob<Record<string, never>>({
  name: 'notification.expiry-check',
  queue: { policy: 'short', retryLimit: 3, retryDelay: 60, expireInSeconds: 300 },
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async handle() {
    const { checkExpiringCertificates } = await import('@/lib/notifications/check-expiring-certificates');
    await checkExpiringCertificates(new Date());
  },
});
