/**
 * Reminder e-mails through a real SMTP server (the test sink): only invitations not done, once per
 * interval, never to revoked, expired, used or rotating ones, never without an address; audited.
 * Each reminder carries a fresh working link and the replaced link says so (ADR 028).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { createInvitations } from '@/lib/invitations/create-invitations';
import { getCustomerPage } from '@/lib/invitations/get-customer-page';
import { customerActor, findInvitationByToken, recordInvitationStep } from '@/lib/invitations/open-invitation';
import { sendInvitationReminders } from '@/lib/invitations/send-invitation-reminders';
import { closeMailPools } from '@/lib/notifications/send-mail';
import { startSmtpSink, type SmtpSink } from '@/lib/testing/test-servers';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let sink: SmtpSink;
const created = new Date('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(created.getTime() + days * DAY);
/** The system's context at `days` after the invitations were created (the job's runs, the vendor's requests). */
const system = (days: number) => createUseCaseContext({ actor: SYSTEM_ACTOR, now: at(days) });
const remind = { intervalDays: 3 };

beforeAll(async () => {
  await seedDefaults(db);
  sink = await startSmtpSink();
});
afterAll(async () => {
  closeMailPools();
  await sink.close();
});

describe('invitation reminders', () => {
  it('reminds those not done once per interval and never the revoked, expired, used or rotating', async () => {
    const cert = await buildCertificate(db);
    const domains = ['due', 'revoked', 'rotated', 'rotating', 'short', 'nomail'];
    const res = await createInvitations(
      system(0),
      {
        source: {
          kind: 'csv',
          text: `tenant,email\n${domains.map((d) => `${d}.onmicrosoft.com,${d === 'nomail' ? '' : `it@${d}.example`}`).join('\n')}\n`,
        },
        certificateId: cert.id,
        reason: 'The certificate your connection uses was stolen.',
      },
      { baseUrl: 'https://rekey.example' },
    );
    const id = (d: string) => res.created.find((c) => c.target === `${d}.onmicrosoft.com`)!.id;
    await db.invitation.update({ where: { id: id('revoked') }, data: { revokedAt: at(1), state: 'REVOKED' } });
    await db.invitation.update({ where: { id: id('rotated') }, data: { usedAt: at(1), state: 'ROTATED' } });
    await db.invitation.update({ where: { id: id('rotating') }, data: { state: 'ROTATING' } });
    await db.invitation.update({ where: { id: id('short') }, data: { expiresAt: at(2) } });
    const opts = {
      smtp: { host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic' as const, attempts: 1 },
      from: 'security@litware.example',
      vendorName: 'Litware Connect',
      baseUrl: 'https://rekey.example',
    };

    // Not due before the interval has passed.
    expect((await sendInvitationReminders(system(2), remind, opts)).reminded).toEqual([]);
    // Due after it: only the open invitation with an address (the short one has expired by then).
    const first = await sendInvitationReminders(system(3), remind, opts);
    expect(first).toEqual({ reminded: [id('due')], failed: [] });
    expect(sink.messages.map((m) => m.to)).toEqual([['it@due.example']]);
    const m = sink.messages[0]!;
    expect(m.subject).toBe(
      'Reminder: Litware Connect: please replace a connection certificate in your Microsoft 365 tenant by 2026-12-17',
    );
    expect(m.text).toContain('Why: The certificate your connection uses was stolen.');
    expect(m.text).toContain(
      'This link replaces the one in earlier messages, which no longer works. It works until 2026-12-17 12:00 UTC and only once.',
    );
    // The reminder carries a fresh link that works; the first message's link says it was replaced.
    const firstLink = res.created.find((c) => c.id === id('due'))!.link;
    const link1 = linkIn(m.text);
    expect(link1).not.toBe(firstLink);
    const opened = await getCustomerPage(
      { db, actor: customerActor({ clientIp: '203.0.113.9' }), now: at(3.1) },
      { token: tokenOf(link1) },
    );
    expect([opened.invitation.id, opened.invitation.view]).toEqual([id('due'), 'OPENED']);
    await expect(
      findInvitationByToken(system(3.1), { token: tokenOf(firstLink) }, { vendorName: 'Litware Connect' }),
    ).rejects.toThrow(
      'This link was replaced by a newer one on 2026-12-06 12:00 UTC and no longer works. Open the link in the most recent e-mail from Litware Connect, or ask them for a new one.',
    );
    // The database holds hashes only: neither link appears in it.
    const stored = JSON.stringify([
      await db.invitation.findUniqueOrThrow({ where: { id: id('due') } }),
      await db.invitationRetiredToken.findMany({ where: { invitationId: id('due') } }),
    ]);
    expect(stored).not.toContain(tokenOf(link1));
    expect(stored).not.toContain(tokenOf(firstLink));
    // Again at once, and again before the next interval: nothing new.
    expect((await sendInvitationReminders(system(3), remind, opts)).reminded).toEqual([]);
    expect((await sendInvitationReminders(system(5.9), remind, opts)).reminded).toEqual([]);
    expect(sink.messages).toHaveLength(1);
    // One interval after the last reminder: the second one, with another link; the first reminder's link is replaced.
    expect((await sendInvitationReminders(system(6), remind, opts)).reminded).toEqual([id('due')]);
    const row = await db.invitation.findUniqueOrThrow({ where: { id: id('due') } });
    expect([row.reminders, row.lastRemindedAt, row.linkIssuedAt]).toEqual([2, at(6), at(6)]);
    const link2 = linkIn(sink.messages[1]!.text);
    expect((await findInvitationByToken(system(6), { token: tokenOf(link2) })).id).toBe(id('due'));
    await expect(findInvitationByToken(system(6), { token: tokenOf(link1) })).rejects.toThrow(
      /replaced by a newer one on 2026-12-09/,
    );
    // Revoked after that: no more.
    await db.invitation.update({ where: { id: id('due') }, data: { revokedAt: at(7), state: 'REVOKED' } });
    expect((await sendInvitationReminders(system(9), remind, opts)).reminded).toEqual([]);
    expect(sink.messages).toHaveLength(2);

    const audit = await db.auditEvent.findMany({
      where: { action: 'invitation.reminded', targetId: { in: res.created.map((c) => c.id) } },
    });
    expect(audit.map((a) => [a.targetId, (a.after as { to: string }).to])).toEqual([
      [id('due'), 'it@due.example'],
      [id('due'), 'it@due.example'],
    ]);
    // The audit trail never holds a link.
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain('/invite/');
    // Off (interval 0): nothing is sent at all.
    expect((await sendInvitationReminders(system(30), { intervalDays: 0 }, opts)).reminded).toEqual([]);
  });

  it('does not re-issue the link of a customer active in the last hour, and undoes the re-issue when the e-mail fails', async () => {
    const cert = await buildCertificate(db);
    const res = await createInvitations(
      system(0),
      {
        source: {
          kind: 'csv',
          text: 'tenant,email\nactive.onmicrosoft.com,it@active.example\nbounce.onmicrosoft.com,it@bounce.example\n',
        },
        certificateId: cert.id,
        reason: 'The certificate your connection uses was stolen.',
      },
      { baseUrl: 'https://rekey.example' },
    );
    const [active, bounce] = res.created;
    const opts = {
      smtp: { host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic' as const, attempts: 1 },
      from: 'security@litware.example',
      vendorName: 'Litware Connect',
      baseUrl: 'https://rekey.example',
    };
    // An SMTP server that is not there: nobody received a new link, so the old ones keep working.
    const failed = await sendInvitationReminders(system(3.5), remind, { ...opts, smtp: { ...opts.smtp, port: 1 } });
    expect(failed.failed.map((f) => f.id).sort()).toEqual([active!.id, bounce!.id].sort());
    for (const inv of [active!, bounce!]) {
      expect((await findInvitationByToken(system(3.5), { token: tokenOf(inv.link) })).id).toBe(inv.id);
      expect(await db.invitationRetiredToken.count({ where: { invitationId: inv.id } })).toBe(0);
    }
    const failedAudit = await db.auditEvent.findMany({
      where: { action: 'invitation.reminder_failed', targetId: bounce!.id },
    });
    expect(failedAudit).toHaveLength(1);
    await db.invitation.updateMany({ where: { id: { in: [active!.id, bounce!.id] } }, data: { lastRemindedAt: null } });

    // The customer opened the link twenty minutes before the next run: their link is not cut off.
    await recordInvitationStep(system(3.985), { invitationId: active!.id, to: 'OPENED' });
    const sent = await sendInvitationReminders(system(4), remind, opts);
    expect(sent.reminded).toContain(bounce!.id);
    expect(sent.reminded).not.toContain(active!.id);
    expect((await findInvitationByToken(system(4), { token: tokenOf(active!.link) })).id).toBe(active!.id);
    await expect(findInvitationByToken(system(4), { token: tokenOf(bounce!.link) })).rejects.toThrow(
      /replaced by a newer one/,
    );
    // An hour after their last step they are reminded like the others.
    expect((await sendInvitationReminders(system(4.05), remind, opts)).reminded).toEqual([active!.id]);
  });
});

function linkIn(text: string): string {
  const m = /https:\/\/rekey\.example\/invite\/[A-Za-z0-9_-]{43}/.exec(text);
  if (!m) throw new Error(`no invitation link in: ${text}`);
  return m[0];
}
const tokenOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);
