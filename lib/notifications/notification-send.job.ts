/** `notification.send`: deliver one notification over one channel (pg-boss retries with backoff). */
import { z } from 'zod';
import { defineJob } from '@/lib/jobs/job-definition';
import { NotificationEventSchema, type NotificationEvent } from '@/lib/notifications/notification-event';

export type NotificationChannel = 'email' | 'webhook';

export const NotificationSendData = z.object({
  channel: z.enum(['email', 'webhook']),
  event: NotificationEventSchema,
  at: z.string(),
});
export type NotificationSendInput = { channel: NotificationChannel; event: NotificationEvent; at: string };

export const notificationSendJob = defineJob<NotificationSendInput>({
  name: 'notification.send',
  queue: { policy: 'standard', retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  schema: NotificationSendData as z.ZodType<NotificationSendInput>,
  async handle({ channel, event }) {
    const { sendNotification } = await import('@/lib/notifications/send-notification');
    await sendNotification(channel, event);
  },
});
