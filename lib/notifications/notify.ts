/**
 * Records a notification inside the caller's transaction: one `notification.send` job per
 * enabled channel, written by the same transaction as the event (the pg-boss job row is the
 * outbox — it commits or rolls back with the change, and pg-boss retries delivery with backoff).
 * Does nothing when no channel is enabled for this kind of event.
 */
import type { Prisma } from '@/lib/db';
import { enqueue } from '@/lib/jobs/enqueue';
import type { NotificationEvent } from '@/lib/notifications/notification-event';
import { getNotificationSettings } from '@/lib/notifications/notification-settings';
import { notificationSendJob, type NotificationChannel } from '@/lib/notifications/notification-send.job';

export async function notify(
  tx: Prisma.TransactionClient,
  event: NotificationEvent,
  now: Date = new Date(),
): Promise<NotificationChannel[]> {
  const s = await getNotificationSettings(tx);
  if (!s.events[event.kind]) return [];
  const channels: NotificationChannel[] = [];
  if (s.email.enabled && s.email.to.length > 0) channels.push('email');
  if (s.webhook.enabled) channels.push('webhook');
  for (const channel of channels) await enqueue(tx, notificationSendJob, { channel, event, at: now.toISOString() });
  return channels;
}
