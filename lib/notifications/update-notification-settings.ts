/**
 * Saves the notification settings (Settings page): fleet-wide admins only; validated with zod;
 * the Setting row and its audit event in one transaction. Secrets never pass through here (they
 * come from REKEY_SMTP_URL / REKEY_NOTIFY_WEBHOOK_URL); `notificationChannelStatus` tells the page
 * which are configured.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { isFleetWide } from '@/lib/auth/principal';
import { db, type Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import {
  NOTIFICATION_SETTING_KEY,
  NotificationSettingsSchema,
  parseSmtpUrl,
  webhookUrlFromEnv,
  type NotificationSettings,
  type NotificationSettingsInput,
} from '@/lib/notifications/notification-settings';
import type { UseCaseContext } from '@/lib/use-case';

export async function updateNotificationSettings(
  ctx: UseCaseContext,
  input: NotificationSettingsInput,
): Promise<NotificationSettings> {
  if (ctx.principal && !isFleetWide(ctx.principal, 'admin'))
    throw new RekeyError('FORBIDDEN', 'Changing notification settings needs the Admin role.', { need: 'admin' });
  const parsed = NotificationSettingsSchema.safeParse(input);
  if (!parsed.success)
    throw new RekeyError(
      'BAD_INPUT',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '),
    );
  const value = parsed.data;
  return db.$transaction(async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: NOTIFICATION_SETTING_KEY } });
    await tx.setting.upsert({
      where: { key: NOTIFICATION_SETTING_KEY },
      update: { value: value as Prisma.InputJsonValue, updatedById: ctx.principal?.userId ?? ctx.actor.id },
      create: {
        key: NOTIFICATION_SETTING_KEY,
        value: value as Prisma.InputJsonValue,
        updatedById: ctx.principal?.userId ?? ctx.actor.id,
      },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'settings.notifications.updated',
        targetType: 'setting',
        targetId: NOTIFICATION_SETTING_KEY,
        before: before?.value ?? null,
        after: value,
      },
      ctx.now,
    );
    return value;
  });
}

/** Which channels have their secret configured in the environment (never the secret itself). */
export function notificationChannelStatus(env: Record<string, string | undefined> = process.env): {
  email: { configured: boolean; host: string | null; error: string | null };
  webhook: { configured: boolean; host: string | null; error: string | null };
} {
  const read = <T>(f: () => T): { v: T | null; error: string | null } => {
    try {
      return { v: f(), error: null };
    } catch (e) {
      return { v: null, error: (e as Error).message };
    }
  };
  const smtp = read(() => parseSmtpUrl(env.REKEY_SMTP_URL));
  const hook = read(() => webhookUrlFromEnv(env.REKEY_NOTIFY_WEBHOOK_URL));
  return {
    email: { configured: Boolean(smtp.v), host: smtp.v ? `${smtp.v.host}:${smtp.v.port}` : null, error: smtp.error },
    webhook: { configured: Boolean(hook.v), host: hook.v ? new URL(hook.v).host : null, error: hook.error },
  };
}
