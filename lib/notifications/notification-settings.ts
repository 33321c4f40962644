/**
 * Notification settings: what to send where. Non-secret choices live in the `Setting` row
 * `notifications` (edited in Settings); secrets come from the environment only:
 *   REKEY_SMTP_URL          smtp://user:pass@host:587 (STARTTLS when offered; `?starttls=required`
 *                           to insist) or smtps://user:pass@host:465 (TLS from the start).
 *                           Credentials are sent (AUTH PLAIN) only over TLS or to a loopback host.
 *   REKEY_NOTIFY_WEBHOOK_URL the incoming-webhook URL (Slack and Teams URLs carry their secret).
 */
import { z } from 'zod';
import { Prisma, queryRows, type Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { NOTIFICATION_KINDS, type NotificationKind } from '@/lib/notifications/notification-event';
import type { UseCaseContext } from '@/lib/use-case';
import { requireSettingsAdmin } from '@/lib/settings/require-settings-admin';

export const NOTIFICATION_SETTING_KEY = 'notifications';

const Events = z.object(
  Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, z.boolean().default(true)])) as Record<
    NotificationKind,
    z.ZodDefault<z.ZodBoolean>
  >,
);

export const NotificationSettingsSchema = z.object({
  email: z
    .object({
      enabled: z.boolean().default(false),
      from: z.email().default('rekey@rekey.example'),
      to: z.array(z.email()).max(50).default([]),
    })
    .default({ enabled: false, from: 'rekey@rekey.example', to: [] }),
  webhook: z
    .object({
      enabled: z.boolean().default(false),
      /** generic = {text, rekey}: Slack and Teams (classic incoming webhook) both accept it. */
      format: z.enum(['generic', 'slack', 'teams']).default('generic'),
    })
    .default({ enabled: false, format: 'generic' }),
  events: Events.default(
    Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])) as Record<NotificationKind, boolean>,
  ),
  /** Base URL of the dashboard, for links in messages. */
  dashboardUrl: z.url().optional(),
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;
export type NotificationSettingsInput = z.input<typeof NotificationSettingsSchema>;

export async function getNotificationSettings(client: Db | Prisma.TransactionClient): Promise<NotificationSettings> {
  // Raw: read inside the rotation engine's commit too (a direct transaction: raw statements only).
  const [row] = await queryRows<{ value: unknown }>(
    client,
    Prisma.sql`SELECT "value" FROM "Setting" WHERE "key" = ${NOTIFICATION_SETTING_KEY}`,
  );
  const parsed = NotificationSettingsSchema.safeParse(row?.value ?? {});
  // A broken stored value must not break the change that triggers a notification: send nothing.
  return parsed.success ? parsed.data : NotificationSettingsSchema.parse({});
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  starttls: 'opportunistic' | 'required';
  user?: string;
  pass?: string;
}

export function parseSmtpUrl(value: string | undefined): SmtpConfig | null {
  if (!value) return null;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new RekeyError('CONFIG', 'REKEY_SMTP_URL is not a URL (expected smtp://user:pass@host:587 or smtps://…).');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new RekeyError('CONFIG', `REKEY_SMTP_URL must start with smtp:// or smtps://, not ${u.protocol}//.`);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    starttls: u.searchParams.get('starttls') === 'required' ? 'required' : 'opportunistic',
    ...(u.username ? { user: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { pass: decodeURIComponent(u.password) } : {}),
  };
}

export function webhookUrlFromEnv(value = process.env.REKEY_NOTIFY_WEBHOOK_URL): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('bad protocol');
    return u.toString();
  } catch {
    throw new RekeyError('CONFIG', 'REKEY_NOTIFY_WEBHOOK_URL must be an http(s) URL.');
  }
}

/** The notification settings, for a fleet-wide admin (settings are fleet-wide) or a trusted caller. */
export async function getNotificationSettingsFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal'>,
): Promise<NotificationSettings> {
  requireSettingsAdmin(ctx, 'Notification settings');
  return getNotificationSettings(ctx.db);
}
