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
    const { sendInvitationReminders } = await import('@/lib/invitations/send-invitation-reminders');
    const { SYSTEM_ACTOR } = await import('@/lib/audit/append-audit-event');
    const { createUseCaseContext } = await import('@/lib/use-case-defaults');
    const ctx = createUseCaseContext({ actor: SYSTEM_ACTOR, now: new Date() });
    const e = env();
    const smtp = parseSmtpUrl(e.REKEY_SMTP_URL);
    await sendInvitationReminders(
      ctx,
      { intervalDays: e.REKEY_INVITATION_REMINDER_DAYS },
      {
        smtp,
        from: (await getNotificationSettings(ctx.db)).email.from,
        vendorName: e.REKEY_VENDOR_NAME,
        baseUrl: e.REKEY_PUBLIC_URL ?? defaultPublicUrl(e),
      },
    );
  },
});
