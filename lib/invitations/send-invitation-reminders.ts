/**
 * Scheduled reminder e-mails (job `invitation.reminders`) to invitations that are not done: an
 * address is known, the link is still open (not revoked, not expired, not used) and the customer
 * has not finished or started the rotation. One reminder per interval (REKEY_INVITATION_REMINDER_DAYS,
 * counted from the invitation or its last reminder); each invitation is claimed in the database
 * before sending, so two workers never send the same reminder twice. Each send is audited.
 *
 * The link's token exists only as a hash (ADR 027), so a reminder cannot repeat the link: it names
 * the first message (its subject and date) and the deadline, and says to ask the sender for a new
 * link if the message is lost.
 */
import { appendAuditEvent, SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db as defaultDb, type Db } from '@/lib/db';
import type { InvitationState } from '@/generated/prisma/enums';
import { invitationEmail } from '@/lib/invitations/send-invitation-emails';
import { sendMail, type SmtpOptions } from '@/lib/notifications/send-mail';

/** States in which the customer still has something to do with the link. */
export const REMINDABLE_STATES: InvitationState[] = [
  'SENT',
  'OPENED',
  'SIGNED_IN',
  'WRONG_TENANT',
  'INSUFFICIENT_ROLE',
  'CONSENT_DECLINED',
];

const DAY = 86_400_000;
const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export function reminderEmail(input: {
  vendorName: string;
  reason: string;
  target: string;
  sentAt: Date;
  expiresAt: Date;
}): { subject: string; text: string } {
  const first = invitationEmail({ ...input, link: '' });
  return {
    subject: `Reminder: ${first.subject}`,
    text: [
      'Hello,',
      '',
      `${input.vendorName} asked an administrator of your Microsoft 365 tenant (${input.target}) on ${utc(input.sentAt)} to replace the certificate of its connection, and it has not been done yet.`,
      '',
      `Why: ${input.reason}`,
      '',
      `Open the link in the message "${first.subject}" (sent ${utc(input.sentAt)}). It works until ${utc(input.expiresAt)} and only once.`,
      `For your security this reminder does not repeat the link. If you cannot find the message, ask ${input.vendorName} for a new link through a channel you already know.`,
    ].join('\n'),
  };
}

export interface ReminderOptions {
  smtp: SmtpOptions | null;
  from: string;
  vendorName: string;
  /** Days between reminders; 0 turns reminders off. */
  intervalDays: number;
  db?: Db;
}

export async function sendInvitationReminders(
  now: Date,
  o: ReminderOptions,
): Promise<{ reminded: string[]; failed: { id: string; error: string }[] }> {
  const db = o.db ?? defaultDb;
  const out = { reminded: [] as string[], failed: [] as { id: string; error: string }[] };
  if (o.intervalDays <= 0 || !o.smtp) return out;
  const dueBefore = new Date(now.getTime() - o.intervalDays * DAY);
  const open = {
    email: { not: null },
    revokedAt: null,
    usedAt: null,
    expiresAt: { gt: now },
    state: { in: REMINDABLE_STATES },
  };
  const due = await db.invitation.findMany({
    where: {
      ...open,
      OR: [{ lastRemindedAt: null, createdAt: { lte: dueBefore } }, { lastRemindedAt: { lte: dueBefore } }],
    },
    select: {
      id: true,
      email: true,
      reason: true,
      createdAt: true,
      expiresAt: true,
      lastRemindedAt: true,
      tenantId: true,
      tenantDomain: true,
      entraTenantId: true,
      tenant: { select: { displayName: true } },
    },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  for (const inv of due) {
    // Claim: only the worker that moves lastRemindedAt from what it read sends this reminder, and
    // only while the invitation is still open (a revocation or a rotation meanwhile wins).
    const claimed = await db.invitation.updateMany({
      where: { id: inv.id, lastRemindedAt: inv.lastRemindedAt, ...open },
      data: { lastRemindedAt: now, reminders: { increment: 1 } },
    });
    if (claimed.count !== 1) continue;
    const target = inv.tenant?.displayName ?? inv.tenantDomain ?? inv.entraTenantId ?? 'your tenant';
    const mail = reminderEmail({
      vendorName: o.vendorName,
      reason: inv.reason,
      target,
      sentAt: inv.createdAt,
      expiresAt: inv.expiresAt,
    });
    let error: string | null = null;
    try {
      await sendMail(o.smtp, { from: o.from, to: [inv.email!], subject: mail.subject, text: mail.text, date: now });
      out.reminded.push(inv.id);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      out.failed.push({ id: inv.id, error });
    }
    await db.$transaction((tx) =>
      appendAuditEvent(
        tx,
        SYSTEM_ACTOR,
        {
          action: error ? 'invitation.reminder_failed' : 'invitation.reminded',
          targetType: 'invitation',
          targetId: inv.id,
          tenantId: inv.tenantId,
          after: { to: inv.email, ...(error ? { error } : {}) },
        },
        now,
      ),
    );
  }
  return out;
}
