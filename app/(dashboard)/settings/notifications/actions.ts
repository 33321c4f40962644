'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import { NOTIFICATION_KINDS } from '@/lib/notifications/notification-event';
import { sendTestNotification } from '@/lib/notifications/send-test-notification';
import { updateNotificationSettings } from '@/lib/notifications/update-notification-settings';

const on = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const blank = (v: unknown) => (v === '' ? undefined : v);

/** The settings form's fields (checkboxes, comma/newline-separated recipients); the use case validates again. */
const NotificationSettingsForm = z.object({
  emailEnabled: on,
  emailFrom: z.preprocess(blank, z.email('Enter an email address.').optional()),
  emailTo: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/[\s,;]+/).filter(Boolean) : []),
    z.array(z.email('Each recipient must be an email address.')).max(50),
  ),
  webhookEnabled: on,
  webhookFormat: z.enum(['generic', 'slack', 'teams']).default('generic'),
  dashboardUrl: z.preprocess(blank, z.url('Enter a full URL, e.g. https://rekey.example.com').optional()),
  events: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(NOTIFICATION_KINDS))),
});

export const saveNotificationSettingsAction = defineAction({
  name: 'settings.notifications.save',
  role: 'admin',
  input: NotificationSettingsForm,
  handler: async (input, ctx) => {
    const saved = await updateNotificationSettings(ctx, {
      email: { enabled: input.emailEnabled, from: input.emailFrom ?? 'rekey@rekey.example', to: input.emailTo },
      webhook: { enabled: input.webhookEnabled, format: input.webhookFormat },
      events: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, input.events.includes(k)])),
      dashboardUrl: input.dashboardUrl,
    });
    revalidatePath('/settings/notifications');
    return { savedAt: ctx.now.toISOString(), emailTo: saved.email.to.length };
  },
});

export const sendTestNotificationAction = defineAction({
  name: 'settings.notifications.test',
  role: 'admin',
  input: z.object({ channel: z.enum(['email', 'webhook']) }),
  handler: async ({ channel }, ctx) => ({
    channel,
    result: await sendTestNotification(ctx, channel),
  }),
});
