/**
 * Reminder e-mails through a real SMTP server (the test sink): only invitations not done, once per
 * interval, never to revoked, expired, used or rotating ones, never without an address; audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { createInvitations } from '@/lib/invitations/create-invitations';
import { sendInvitationReminders } from '@/lib/invitations/send-invitation-reminders';
import { closeMailPools } from '@/lib/notifications/send-mail';
import { startSmtpSink, type SmtpSink } from '@/lib/testing/test-servers';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate } from '@/lib/testing/fleet-builders';

let sink: SmtpSink;
const created = new Date('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(created.getTime() + days * DAY);

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
      {
        source: {
          kind: 'csv',
          text: `tenant,email\n${domains.map((d) => `${d}.onmicrosoft.com,${d === 'nomail' ? '' : `it@${d}.example`}`).join('\n')}\n`,
        },
        certificateId: cert.id,
        reason: 'The certificate your connection uses was stolen.',
      },
      { caller: 'system', actor: SYSTEM_ACTOR, now: created, baseUrl: 'https://rekey.example' },
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
      intervalDays: 3,
    };

    // Not due before the interval has passed.
    expect((await sendInvitationReminders(at(2), opts)).reminded).toEqual([]);
    // Due after it: only the open invitation with an address (the short one has expired by then).
    const first = await sendInvitationReminders(at(3), opts);
    expect(first).toEqual({ reminded: [id('due')], failed: [] });
    expect(sink.messages.map((m) => m.to)).toEqual([['it@due.example']]);
    const m = sink.messages[0]!;
    expect(m.subject).toBe(
      'Reminder: Litware Connect: please replace a connection certificate in your Microsoft 365 tenant by 2026-12-17',
    );
    expect(m.text).toContain('Why: The certificate your connection uses was stolen.');
    expect(m.text).toContain('(sent 2026-12-03 12:00 UTC). It works until 2026-12-17 12:00 UTC and only once.');
    expect(m.text).not.toContain('/invite/');
    // Again at once, and again before the next interval: nothing new.
    expect((await sendInvitationReminders(at(3), opts)).reminded).toEqual([]);
    expect((await sendInvitationReminders(at(5.9), opts)).reminded).toEqual([]);
    expect(sink.messages).toHaveLength(1);
    // One interval after the last reminder: the second one.
    expect((await sendInvitationReminders(at(6), opts)).reminded).toEqual([id('due')]);
    const row = await db.invitation.findUniqueOrThrow({ where: { id: id('due') } });
    expect([row.reminders, row.lastRemindedAt]).toEqual([2, at(6)]);
    // Revoked after that: no more.
    await db.invitation.update({ where: { id: id('due') }, data: { revokedAt: at(7), state: 'REVOKED' } });
    expect((await sendInvitationReminders(at(9), opts)).reminded).toEqual([]);
    expect(sink.messages).toHaveLength(2);

    const audit = await db.auditEvent.findMany({
      where: { action: 'invitation.reminded', targetId: { in: res.created.map((c) => c.id) } },
    });
    expect(audit.map((a) => [a.targetId, (a.after as { to: string }).to])).toEqual([
      [id('due'), 'it@due.example'],
      [id('due'), 'it@due.example'],
    ]);
    // Off (interval 0): nothing is sent at all.
    expect((await sendInvitationReminders(at(30), { ...opts, intervalDays: 0 })).reminded).toEqual([]);
  });
});
