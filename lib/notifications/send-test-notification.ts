/** "Send a test" from the Settings page: delivers at once (no queue) so the admin sees the error. */
import { isFleetWide } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';
import type { NotificationChannel } from '@/lib/notifications/notification-send.job';
import { sendNotification, type SendOptions } from '@/lib/notifications/send-notification';
import type { UseCaseContext } from '@/lib/use-case';

export async function sendTestNotification(
  ctx: UseCaseContext,
  channel: NotificationChannel,
  o: SendOptions = {},
): Promise<'sent' | 'disabled'> {
  if (ctx.principal && !isFleetWide(ctx.principal, 'admin'))
    throw new RekeyError('FORBIDDEN', 'Sending a test notification needs the Admin role.', { need: 'admin' });
  return sendNotification(
    channel,
    {
      kind: 'campaign.finished',
      campaignId: '00000000-0000-0000-0000-000000000000',
      name: `Test notification from ${ctx.actor.label}`,
      state: 'FINISHED',
      totals: { SUCCEEDED: 1, FAILED: 0, SKIPPED: 0, CANCELLED: 0 },
    },
    o,
  );
}
