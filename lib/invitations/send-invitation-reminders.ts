/**
 * Scheduled reminder e-mails (job `invitation.reminders`) to invitations that are not done: an
 * address is known, the link is still open (not revoked, not expired, not used) and the customer
 * has not finished or started the rotation. One reminder per interval (REKEY_INVITATION_REMINDER_DAYS,
 * counted from the invitation or its last reminder); each invitation is claimed in the database
 * before sending, so two workers never send the same reminder twice. Each send is audited (without
 * the link).
 *
 * A reminder carries a working link by re-issuing it (ADR 028): the link's token exists only as a
 * hash, so the reminder makes a fresh single-use token, stores its hash in the same claim, and keeps
 * the replaced hash in InvitationRetiredToken — the old link then says it was replaced, when, and
 * that the newest message holds the link. A customer active in the last hour (a journey step, or a
 * held delegated token) is not reminded, so a link in use is never cut off. If the e-mail fails,
 * the re-issue is undone (nobody received the new link) and the old link works again.
 *
 * A use case `(ctx, input, config)` (lib/use-case.ts) for the job: `ctx.actor` is who the audit
 * names (the job passes SYSTEM_ACTOR), `ctx.now` the time of the run; `config` is the mail setup
 * and the link base, which the caller reads.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { InvitationState } from '@/generated/prisma/enums';
import { invitationEmail, type InvitationMailConfig } from '@/lib/invitations/send-invitation-emails';
import { invitationLink, newInvitationToken, type InvitationLinkConfig } from '@/lib/invitations/invitation-token';
import { sendMail } from '@/lib/notifications/send-mail';
import type { UseCaseContext } from '@/lib/use-case';

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
/** A customer who took a step this recently may be using the link right now: no re-issue then. */
export const ACTIVE_WINDOW_MS = 3_600_000;
const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export function reminderEmail(input: {
  vendorName: string;
  reason: string;
  target: string;
  sentAt: Date;
  expiresAt: Date;
  link: string;
}): { subject: string; text: string } {
  const first = invitationEmail(input);
  return {
    subject: `Reminder: ${first.subject}`,
    text: [
      'Hello,',
      '',
      `${input.vendorName} asked an administrator of your Microsoft 365 tenant (${input.target}) on ${utc(input.sentAt)} to replace the certificate of its connection, and it has not been done yet.`,
      '',
      `Why: ${input.reason}`,
      '',
      'What you do: open the link below, sign in with your Microsoft administrator account (Application Administrator, Cloud Application Administrator or Global Administrator), review what will change and confirm.',
      '',
      input.link,
      '',
      `This link replaces the one in earlier messages, which no longer works. It works until ${utc(input.expiresAt)} and only once.`,
      '',
      `If you did not expect this message, contact ${input.vendorName} through a channel you already know before opening the link.`,
    ].join('\n'),
  };
}

export interface ReminderInput {
  /** Days between reminders; 0 turns reminders off. */
  intervalDays: number;
}

/** The mail setup, and where links point (REKEY_PUBLIC_URL). */
export type ReminderConfig = InvitationMailConfig & InvitationLinkConfig;

export async function sendInvitationReminders(
  ctx: Pick<UseCaseContext, 'db' | 'actor' | 'now'>,
  input: ReminderInput,
  config: ReminderConfig,
): Promise<{ reminded: string[]; failed: { id: string; error: string }[] }> {
  const { db, now } = ctx;
  const { smtp } = config;
  const out = { reminded: [] as string[], failed: [] as { id: string; error: string }[] };
  if (input.intervalDays <= 0 || !smtp) return out;
  const dueBefore = new Date(now.getTime() - input.intervalDays * DAY);
  const open = {
    email: { not: null },
    revokedAt: null,
    usedAt: null,
    expiresAt: { gt: now },
    state: { in: REMINDABLE_STATES },
    // Not while the customer may be using the link (ADR 028).
    delegatedToken: { is: null },
    events: { none: { at: { gt: new Date(now.getTime() - ACTIVE_WINDOW_MS) } } },
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
      tokenHash: true,
      linkIssuedAt: true,
      tenantId: true,
      tenantDomain: true,
      entraTenantId: true,
      tenant: { select: { displayName: true } },
    },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  for (const inv of due) {
    // Claim and re-issue together: only the worker that moves lastRemindedAt and the token hash from
    // what it read sends this reminder, and only while the invitation is still open (a revocation,
    // a rotation or a customer step meanwhile wins).
    const fresh = newInvitationToken();
    const claimed = await db.$transaction(async (tx) => {
      const moved = await tx.invitation.updateMany({
        where: { id: inv.id, lastRemindedAt: inv.lastRemindedAt, tokenHash: inv.tokenHash, ...open },
        data: { lastRemindedAt: now, reminders: { increment: 1 }, tokenHash: fresh.hash, linkIssuedAt: now },
      });
      if (moved.count !== 1) return false;
      await tx.invitationRetiredToken.create({
        data: { tokenHash: inv.tokenHash, invitationId: inv.id, retiredAt: now },
      });
      return true;
    });
    if (!claimed) continue;
    const target = inv.tenant?.displayName ?? inv.tenantDomain ?? inv.entraTenantId ?? 'your tenant';
    const mail = reminderEmail({
      vendorName: config.vendorName,
      reason: inv.reason,
      target,
      sentAt: inv.createdAt,
      expiresAt: inv.expiresAt,
      link: invitationLink(config.baseUrl, fresh.token),
    });
    let error: string | null = null;
    try {
      await sendMail(smtp, { from: config.from, to: [inv.email!], subject: mail.subject, text: mail.text, date: now });
      out.reminded.push(inv.id);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      out.failed.push({ id: inv.id, error });
      // Nobody received the new link: the previous one works again (unless something moved since).
      await db.$transaction(async (tx) => {
        const back = await tx.invitation.updateMany({
          where: { id: inv.id, tokenHash: fresh.hash },
          data: { tokenHash: inv.tokenHash, linkIssuedAt: inv.linkIssuedAt },
        });
        if (back.count === 1) await tx.invitationRetiredToken.delete({ where: { tokenHash: inv.tokenHash } });
      });
    }
    await db.$transaction((tx) =>
      appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: error ? 'invitation.reminder_failed' : 'invitation.reminded',
          targetType: 'invitation',
          targetId: inv.id,
          tenantId: inv.tenantId,
          after: { to: inv.email, linkReissued: !error, ...(error ? { error } : {}) },
        },
        now,
      ),
    );
  }
  return out;
}
