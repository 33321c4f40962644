/**
 * Invitation e-mails through the configured SMTP (REKEY_SMTP_URL): a clear, plain message naming
 * the vendor, the reason, the tenant and the deadline, with the link. Sent right after creation
 * (the link exists only then); each send is audited without the link. A use case
 * `(ctx, input, config)` (lib/use-case.ts); `config` is the mail setup, which the caller reads.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { RekeyError } from '@/lib/errors';
import type { CreatedInvitation } from '@/lib/invitations/create-invitations';
import { sendMail, type SmtpOptions } from '@/lib/notifications/send-mail';
import type { UseCaseContext } from '@/lib/use-case';

/** How invitation e-mails go out: SMTP (REKEY_SMTP_URL; null = not configured), sender, and who asks. */
export interface InvitationMailConfig {
  smtp: SmtpOptions | null;
  from: string;
  vendorName: string;
}

export function invitationEmail(input: {
  vendorName: string;
  reason: string;
  target: string;
  link: string;
  expiresAt: Date;
}): { subject: string; text: string } {
  const deadline = input.expiresAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return {
    subject: `${input.vendorName}: please replace a connection certificate in your Microsoft 365 tenant by ${deadline.slice(0, 10)}`,
    text: [
      'Hello,',
      '',
      `${input.vendorName} asks an administrator of your Microsoft 365 tenant (${input.target}) to replace the certificate of its connection.`,
      '',
      `Why: ${input.reason}`,
      '',
      'What you do: open the link below, sign in with your Microsoft administrator account (Application Administrator, Cloud Application Administrator or Global Administrator), review what will change and confirm. It takes a few minutes.',
      '',
      input.link,
      '',
      `The link works until ${deadline} and only once. Nobody keeps access to your tenant afterwards: the sign-in is used for this change only and deleted when it ends.`,
      '',
      `If you did not expect this message, contact ${input.vendorName} through a channel you already know before opening the link.`,
    ].join('\n'),
  };
}

export async function sendInvitationEmails(
  ctx: Pick<UseCaseContext, 'db' | 'actor' | 'now'>,
  input: { created: CreatedInvitation[]; reason: string },
  config: InvitationMailConfig,
): Promise<{ sent: string[]; failed: { id: string; error: string }[] }> {
  const { db } = ctx;
  const withEmail = input.created.filter((c) => c.email);
  if (withEmail.length === 0) return { sent: [], failed: [] };
  const { smtp } = config;
  if (!smtp) throw new RekeyError('CONFIG', 'Sending invitations by e-mail needs REKEY_SMTP_URL.');
  const out = { sent: [] as string[], failed: [] as { id: string; error: string }[] };
  for (const c of withEmail) {
    const mail = invitationEmail({
      vendorName: config.vendorName,
      reason: input.reason,
      target: c.target,
      link: c.link,
      expiresAt: c.expiresAt,
    });
    try {
      await sendMail(smtp, {
        from: config.from,
        to: [c.email!],
        subject: mail.subject,
        text: mail.text,
        date: ctx.now,
      });
      out.sent.push(c.id);
    } catch (e) {
      out.failed.push({ id: c.id, error: e instanceof Error ? e.message : String(e) });
    }
    await db.$transaction((tx) =>
      appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: out.sent.includes(c.id) ? 'invitation.emailed' : 'invitation.email_failed',
          targetType: 'invitation',
          targetId: c.id,
          after: { to: c.email },
        },
        ctx.now,
      ),
    );
  }
  return out;
}
