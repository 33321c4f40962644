import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';
import type { Principal } from '@/lib/auth/principal';
import { db } from '@/lib/db';
import { isRekeyError, type RekeyError } from '@/lib/errors';
import { createInvitations } from '@/lib/invitations/create-invitations';
import { invitationsCsv, createdInvitationsCsv } from '@/lib/invitations/export-invitations';
import { funnelCounts, listInvitations } from '@/lib/invitations/list-invitations';
import { customerActor, findInvitationByToken, recordInvitationStep } from '@/lib/invitations/open-invitation';
import { hashInvitationToken } from '@/lib/invitations/invitation-token';
import { revokeInvitation } from '@/lib/invitations/revoke-invitation';
import { funnelOverTime } from '@/lib/invitations/funnel-over-time';
import { listInvitableCertificates } from '@/lib/invitations/list-invitable-certificates';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const ctx = createUseCaseContext({ actor: SYSTEM_ACTOR, now });
const links = { baseUrl: 'https://rekey.example' };
type Tenant = Awaited<ReturnType<typeof buildTenant>>;
let eu: Tenant, us: Tenant;
let euCert: string, usCert: string;

async function rejects(p: Promise<unknown>): Promise<RekeyError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isRekeyError(e)).toBe(true);
  return e as RekeyError;
}

/** buildTenant's connectors come back in no particular order: pick them by name. */
function named(t: Tenant, name: string) {
  return t.connectors.find((c) => c.displayName === name)!;
}

function tokenOf(link: string): string {
  return link.split('/invite/')[1]!;
}

beforeAll(async () => {
  await seedDefaults(db);
  const type = await buildConnectorType(db, 'Mail Sync');
  eu = await buildTenant(db, {
    name: 'Invite EU',
    region: 'EU',
    connectors: [{ status: 'compromised', typeId: type.id }],
  });
  us = await buildTenant(db, {
    name: 'Invite US',
    region: 'US',
    connectors: [
      { status: 'compromised', typeId: type.id },
      { status: 'healthy', typeId: type.id },
    ],
  });
  euCert = (await buildCertificate(db, { subject: 'CN=Vendor EU 2027' })).id;
  usCert = (await buildCertificate(db, { subject: 'CN=Vendor US 2027' })).id;
});

describe('invitations', () => {
  it('creates one invitation per connector with a 14-day default expiry, region-aware certificates and only a hash of the link token', async () => {
    const res = await createInvitations(
      ctx,
      {
        source: { kind: 'connectors', connectorIds: [eu.connectors[0]!.id, named(us, 'Connector 1').id] },
        certificateByRegion: { EU: euCert, US: usCert },
        email: 'it@customer.example',
      },
      links,
    );
    expect(res.created).toHaveLength(2);
    expect(res.skipped).toEqual([]);
    const [a, b] = res.created;
    expect(a!.link).toMatch(/^https:\/\/rekey\.example\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(a!.expiresAt.getTime() - now.getTime()).toBe(14 * DAY);
    const stored = await db.invitation.findMany({
      where: { id: { in: [a!.id, b!.id] } },
      orderBy: { createdAt: 'asc' },
    });
    const byId = new Map(stored.map((s) => [s.id, s]));
    expect(byId.get(a!.id)!.certificateId).toBe(euCert);
    expect(byId.get(b!.id)!.certificateId).toBe(usCert);
    // Only the hash is stored: no column holds the token.
    const token = tokenOf(a!.link);
    expect(byId.get(a!.id)!.tokenHash).toBe(hashInvitationToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const audit = await db.auditEvent.findMany({ where: { action: 'invitation.create', targetId: a!.id } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit.map((x) => [x.before, x.after]))).not.toContain(token);
  });

  it('does not invite a connector twice while an invitation is open, and says which one it skipped', async () => {
    const res = await createInvitations(
      ctx,
      { source: { kind: 'connectors', connectorIds: [eu.connectors[0]!.id] }, certificateId: euCert },
      links,
    );
    expect(res.created).toHaveLength(0);
    expect(res.skipped[0]!.target).toBe('Invite EU / Connector 1');
    expect(res.skipped[0]!.reason).toMatch(/^already invited \(invitation [0-9a-f-]{36}\)$/);
  });

  it('invites tenants Rekey does not manage from a CSV of tenant id or domain + admin e-mail', async () => {
    const csv =
      'tenant,email\r\nfabrikam.onmicrosoft.com,admin@fabrikam.example\r\n3f2b8a51-0c6e-4e8e-9c55-0d1b4a0e7e11,\r\n';
    const res = await createInvitations(
      ctx,
      { source: { kind: 'csv', text: csv }, certificateId: euCert, expiresInDays: 3 },
      links,
    );
    expect(res.created.map((c) => [c.target, c.email])).toEqual([
      ['fabrikam.onmicrosoft.com', 'admin@fabrikam.example'],
      ['3f2b8a51-0c6e-4e8e-9c55-0d1b4a0e7e11', null],
    ]);
    const rows = await db.invitation.findMany({ where: { id: { in: res.created.map((c) => c.id) } } });
    expect(rows.map((r) => [r.tenantDomain, r.entraTenantId]).sort()).toEqual(
      [
        ['fabrikam.onmicrosoft.com', null],
        [null, '3f2b8a51-0c6e-4e8e-9c55-0d1b4a0e7e11'],
      ].sort(),
    );
    expect(res.created[0]!.expiresAt.getTime() - now.getTime()).toBe(3 * DAY);
    const csvOut = createdInvitationsCsv(res.created);
    expect(csvOut.split('\r\n')[0]).toBe('invitation id,target,email,link,expires at');
    expect(csvOut).toContain(res.created[0]!.link);
  });

  it('refuses a CSV row that is neither a tenant id nor a domain, naming the line', async () => {
    const e = await rejects(
      createInvitations(
        ctx,
        { source: { kind: 'csv', text: 'tenant,email\r\nnot a tenant,x@y.example\r\n' }, certificateId: euCert },
        links,
      ),
    );
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe('"not a tenant" (line 2) is neither a tenant id nor a domain.');
  });

  it('asks for a certificate when none fits the region', async () => {
    const e = await rejects(
      createInvitations(
        ctx,
        {
          source: { kind: 'connectors', connectorIds: [named(us, 'Connector 2').id] },
          certificateByRegion: { EU: euCert },
        },
        links,
      ),
    );
    expect(e.message).toBe(
      'Choose the certificate to install for Invite US / Connector 2 (region US): give --to, or a certificate for that region.',
    );
  });

  it('never asks a customer to install a certificate named by an advisory, and does not offer one', async () => {
    const leaked = await buildCertificate(db, { subject: 'CN=Vendor leaked 2027' });
    await db.advisory.create({
      data: {
        title: 'leaked replacement',
        severity: 'critical',
        publishedAt: now,
        indicators: { create: [{ kind: 'sha1', value: leaked.sha1Thumbprint.toUpperCase() }] },
      },
    });
    const e = await rejects(
      createInvitations(
        ctx,
        { source: { kind: 'connectors', connectorIds: [named(us, 'Connector 2').id] }, certificateId: leaked.id },
        links,
      ),
    );
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe(
      'Certificate CN=Vendor leaked 2027 cannot be installed: its thumbprint is on a compromise advisory. Choose another.',
    );
    expect(await db.invitation.count({ where: { certificateId: leaked.id } })).toBe(0);
    const offered = (await listInvitableCertificates({ db, now })).map((c) => c.id);
    expect(offered).toContain(usCert);
    expect(offered).not.toContain(leaked.id);
  });

  it('a scoped operator cannot invite outside their tenants, and a viewer cannot invite at all', async () => {
    const scoped: Principal = {
      userId: '00000000-0000-4000-8000-000000000001',
      email: 's@rekey.example',
      name: 'Scoped',
      roles: [{ role: 'operator', allTenants: false, tenantIds: [eu.id], groups: [] }],
    };
    const e = await rejects(
      createInvitations(
        { ...ctx, principal: scoped },
        { source: { kind: 'connectors', connectorIds: [named(us, 'Connector 2').id] }, certificateId: usCert },
        links,
      ),
    );
    expect(e.code).toBe('NOT_FOUND');
    const viewer: Principal = { ...scoped, roles: [{ role: 'viewer', allTenants: true, tenantIds: [], groups: [] }] };
    const v = await rejects(
      createInvitations(
        { ...ctx, principal: viewer },
        { source: { kind: 'connectors', connectorIds: [named(us, 'Connector 2').id] }, certificateId: usCert },
        links,
      ),
    );
    expect(v.code).toBe('FORBIDDEN');
  });

  it('walks the funnel: opened → signed in → rotating → rotated, single use after success, audited with the customer as actor', async () => {
    const res = await createInvitations(
      ctx,
      { source: { kind: 'connectors', connectorIds: [named(us, 'Connector 2').id] }, certificateId: usCert },
      links,
    );
    const link = res.created[0]!;
    const token = tokenOf(link.link);
    const open = await findInvitationByToken(ctx, { token });
    expect(open.view).toBe('SENT');
    expect(open.certificate.id).toBe(usCert);
    const anon = { db, actor: customerActor({ clientIp: '192.0.2.10' }), now };
    expect(await recordInvitationStep(anon, { invitationId: link.id, to: 'OPENED' })).toBe(true);
    expect(await recordInvitationStep(anon, { invitationId: link.id, to: 'OPENED' })).toBe(false);
    const admin = {
      db,
      actor: customerActor({ upn: 'ga@inviteus.onmicrosoft.com', tenantId: us.entraTenantId, clientIp: '192.0.2.10' }),
      now,
    };
    expect(
      await recordInvitationStep(admin, {
        invitationId: link.id,
        to: 'INSUFFICIENT_ROLE',
        detail: 'Application Administrator is missing',
      }),
    ).toBe(true);
    expect(
      await recordInvitationStep(admin, {
        invitationId: link.id,
        to: 'SIGNED_IN',
        customerUpn: 'ga@inviteus.onmicrosoft.com',
      }),
    ).toBe(true);
    expect(await recordInvitationStep(admin, { invitationId: link.id, to: 'ROTATING' })).toBe(true);
    // Revoking while the customer rotates is refused.
    expect((await rejects(revokeInvitation(ctx, { invitationId: link.id }))).code).toBe('CONFLICT');
    expect(await recordInvitationStep(admin, { invitationId: link.id, to: 'ROTATED', usedAt: now })).toBe(true);
    // Single use: nothing moves after success, the link shows the result.
    expect(await recordInvitationStep(admin, { invitationId: link.id, to: 'SIGNED_IN' })).toBe(false);
    expect((await findInvitationByToken({ db, now: new Date(now.getTime() + 30 * DAY) }, { token })).view).toBe(
      'ROTATED',
    );
    const events = await db.invitationEvent.findMany({ where: { invitationId: link.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.state).sort()).toEqual(
      ['INSUFFICIENT_ROLE', 'OPENED', 'ROTATED', 'ROTATING', 'SENT', 'SIGNED_IN'].sort(),
    );
    const audit = await db.auditEvent.findMany({ where: { targetId: link.id }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual([
      'invitation.create',
      'invitation.opened',
      'invitation.insufficient_role',
      'invitation.signed_in',
      'invitation.rotating',
      'invitation.rotated',
    ]);
    expect(audit.at(-1)!.actorLabel).toBe(`customer admin ga@inviteus.onmicrosoft.com (tenant ${us.entraTenantId})`);
    expect(audit.at(-1)!.clientIp).toBe('192.0.2.10');
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('expires after its deadline and can be revoked; a revoked link moves no more', async () => {
    const res = await createInvitations(
      ctx,
      { source: { kind: 'tenants', tenants: ['contoso.onmicrosoft.com'] }, certificateId: euCert, expiresInDays: 1 },
      links,
    );
    const inv = res.created[0]!;
    const token = tokenOf(inv.link);
    expect((await findInvitationByToken(ctx, { token })).view).toBe('SENT');
    expect((await findInvitationByToken({ db, now: new Date(now.getTime() + DAY) }, { token })).view).toBe('EXPIRED');
    expect(await revokeInvitation(ctx, { invitationId: inv.id })).toEqual({ id: inv.id, revoked: true });
    expect(await revokeInvitation(ctx, { invitationId: inv.id })).toEqual({ id: inv.id, revoked: false });
    expect((await findInvitationByToken(ctx, { token })).view).toBe('REVOKED');
    expect(
      await recordInvitationStep(
        { db, actor: customerActor({ clientIp: null }), now },
        { invitationId: inv.id, to: 'OPENED' },
      ),
    ).toBe(false);
    // A new invitation for the same tenant is allowed once the old one is revoked.
    const again = await createInvitations(
      ctx,
      { source: { kind: 'tenants', tenants: ['contoso.onmicrosoft.com'] }, certificateId: euCert },
      links,
    );
    expect(again.created).toHaveLength(1);
  });

  it('an unknown or malformed token is one clear NOT_FOUND', async () => {
    for (const t of ['nope', 'A'.repeat(43)]) {
      const e = await rejects(findInvitationByToken(ctx, { token: t }));
      expect(e.code).toBe('NOT_FOUND');
      expect(e.message).toBe(
        'This invitation link is not valid. Check that you copied the whole link, or ask the sender for a new one.',
      );
    }
  });

  it('lists with derived states, counts the funnel and exports status as CSV', async () => {
    const rows = await listInvitations({ db, now }, {});
    const counts = funnelCounts(rows);
    expect(counts.ROTATED).toBe(1);
    expect(counts.REVOKED).toBe(1);
    expect(counts.SENT).toBe(rows.length - 2);
    const later = funnelCounts(await listInvitations({ db, now: new Date(now.getTime() + 4 * DAY) }, {}));
    expect(later.EXPIRED).toBe(2); // the 3-day CSV invitations
    const csv = invitationsCsv(rows);
    expect(csv.split('\r\n')[0]).toBe(
      'invitation id,target,connector,email,status,detail,customer admin,created at,expires at,rotated at',
    );
    expect(csv).toContain(',Rotated,');
  });

  it('draws the funnel over time: per day, how many had been sent, opened, signed in, rotated or failed', async () => {
    const rows = await listInvitations({ db, now }, {});
    const series = await funnelOverTime(
      { db, now: new Date(now.getTime() + DAY) },
      { invitationIds: rows.map((r) => r.id), days: 3 },
    );
    expect(series.map((d) => d.day)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    // Nothing existed the day before; on the day, every invitation was sent and one went all the way.
    expect(series[0]!.counts).toEqual({ SENT: 0, OPENED: 0, SIGNED_IN: 0, ROTATED: 0, FAILED: 0 });
    expect(series[1]!.counts).toEqual({ SENT: rows.length, OPENED: 1, SIGNED_IN: 1, ROTATED: 1, FAILED: 0 });
    expect(series[2]!.counts).toEqual(series[1]!.counts);
  });
});
