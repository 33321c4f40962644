/**
 * Delivers one notification over one channel, with the settings as they are now (a channel
 * switched off since the event was recorded sends nothing) and secrets from the environment.
 */
import { db as defaultDb, type Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import type { NotificationEvent } from '@/lib/notifications/notification-event';
import { emailBody, renderNotification, webhookPayload } from '@/lib/notifications/format-notification';
import { getNotificationSettings, parseSmtpUrl, webhookUrlFromEnv } from '@/lib/notifications/notification-settings';
import type { NotificationChannel } from '@/lib/notifications/notification-send.job';
import { postWebhook } from '@/lib/notifications/post-webhook';
import { sendMail, type SmtpOptions } from '@/lib/notifications/send-mail';

export interface SendOptions {
  db?: Db;
  env?: Record<string, string | undefined>;
  smtp?: Partial<SmtpOptions>;
}

export async function sendNotification(
  channel: NotificationChannel,
  event: NotificationEvent,
  o: SendOptions = {},
): Promise<'sent' | 'disabled'> {
  const env = o.env ?? process.env;
  const settings = await getNotificationSettings(o.db ?? defaultDb);
  if (!settings.events[event.kind]) return 'disabled';
  const r = renderNotification(event, settings.dashboardUrl);
  if (channel === 'email') {
    if (!settings.email.enabled || settings.email.to.length === 0) return 'disabled';
    const cfg = parseSmtpUrl(env.REKEY_SMTP_URL);
    if (!cfg) throw new RekeyError('CONFIG', 'Email notifications are on but REKEY_SMTP_URL is not set.');
    await sendMail(
      { ...cfg, ...o.smtp },
      { from: settings.email.from, to: settings.email.to, subject: `[Rekey] ${r.subject}`, text: emailBody(r) },
    );
    return 'sent';
  }
  if (!settings.webhook.enabled) return 'disabled';
  const url = webhookUrlFromEnv(env.REKEY_NOTIFY_WEBHOOK_URL);
  if (!url) throw new RekeyError('CONFIG', 'Webhook notifications are on but REKEY_NOTIFY_WEBHOOK_URL is not set.');
  await postWebhook(url, webhookPayload(event, r, settings.webhook.format));
  return 'sent';
}
