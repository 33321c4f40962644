import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { createInvitations } from '@/lib/invitations/create-invitations';
import { sendInvitationEmails } from '@/lib/invitations/send-invitation-emails';
import { closeMailPools } from '@/lib/notifications/send-mail';
import { startSmtpSink, type SmtpSink } from '@/lib/testing/test-servers';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let sink: SmtpSink;
const now = new Date('2026-12-03T12:00:00Z');
const ctx = createUseCaseContext({ actor: SYSTEM_ACTOR, now });

beforeAll(async () => {
  await seedDefaults(db);
  sink = await startSmtpSink();
});
afterAll(async () => {
  closeMailPools();
  await sink.close();
});

describe('invitation e-mails', () => {
  it('sends one plain message per invitation with an address, naming vendor, reason, tenant and deadline', async () => {
    const cert = await buildCertificate(db);
    const res = await createInvitations(
      ctx,
      {
        source: {
          kind: 'csv',
          text: 'tenant,email\nfabrikam.onmicrosoft.com,it@fabrikam.example\nnorthwind.onmicrosoft.com,\n',
        },
        certificateId: cert.id,
      },
      { baseUrl: 'https://rekey.example' },
    );
    const out = await sendInvitationEmails(
      ctx,
      { created: res.created, reason: 'The certificate your connection uses was stolen.' },
      {
        smtp: { host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic', attempts: 1 },
        from: 'security@litware.example',
        vendorName: 'Litware Connect',
      },
    );
    expect(out.failed).toEqual([]);
    expect(out.sent).toEqual([res.created[0]!.id]);
    expect(sink.messages).toHaveLength(1);
    const m = sink.messages[0]!;
    expect(m.to).toEqual(['it@fabrikam.example']);
    expect(m.subject).toBe(
      'Litware Connect: please replace a connection certificate in your Microsoft 365 tenant by 2026-12-17',
    );
    expect(m.text).toContain('Why: The certificate your connection uses was stolen.');
    expect(m.text).toContain(res.created[0]!.link);
    expect(m.text).toContain('The link works until 2026-12-17 12:00 UTC and only once.');
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: 'invitation.emailed', targetId: res.created[0]!.id },
    });
    expect(JSON.stringify(audit.after)).not.toContain('/invite/');
  });
});
