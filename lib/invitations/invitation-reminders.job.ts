/** `invitation.reminders` (scheduled hourly): reminder e-mails to customer invitations not done. */
import { z } from 'zod';
import { defineJob } from '@/lib/jobs/job-definition';

export const INVITATION_REMINDERS_CRON = '23 * * * *';

export const invitationRemindersJob = defineJob<Record<string, never>>({
  name: 'invitation.reminders',
  queue: { policy: 'short', retryLimit: 3, retryDelay: 60, expireInSeconds: 600 },
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async handle() {
    const { env, defaultPublicUrl } = await import('@/lib/env');
    const { getNotificationSettings, parseSmtpUrl } = await import('@/lib/notifications/notification-settings');
    const { db } = await import('@/lib/db');
    const { sendInvitationReminders } = await import('@/lib/invitations/send-invitation-reminders');
    const e = env();
    const smtp = parseSmtpUrl(e.REKEY_SMTP_URL);
    await sendInvitationReminders(new Date(), {
      smtp,
      from: (await getNotificationSettings(db)).email.from,
      vendorName: e.REKEY_VENDOR_NAME,
      intervalDays: e.REKEY_INVITATION_REMINDER_DAYS,
      baseUrl: e.REKEY_PUBLIC_URL ?? defaultPublicUrl(e),
    });
  },
});
