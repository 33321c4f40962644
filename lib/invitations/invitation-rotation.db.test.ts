/**
 * An invitation's rotation end to end below the UI: the customer's Global Administrator signs in
 * through the real MSAL (consent prompt), confirms by typing the connection's name, and the same
 * rotation engine rotates the key with their delegated token — in the tenant where Rekey's
 * management app holds no consent. Then: the simulator holds the new key and not the old, the
 * database holds no token for the tenant, the invitation is used, and the start is audited with
 * the admin as actor.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { confirmInvitationRotation } from '@/lib/invitations/confirm-invitation-rotation';
import type { DelegatedAppConfig } from '@/lib/invitations/delegated-app';
import {
  createDelegatedGraphPort,
  createDelegatedTokenSource,
  delegatedGraphAccess,
  withDelegatedTenants,
} from '@/lib/invitations/delegated-tokens';
import { recordInvitationStep } from '@/lib/invitations/open-invitation';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { createGraphPortAdapter } from '@/lib/rotation/graph-port-adapter';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import {
  rotationFixture,
  simCredentials,
  TEST_MASTER_KEY,
  testRotationDeps,
} from '@/lib/rotation/testing/rotation-fixture';
import { discoverInvitedConnection } from '@/lib/invitations/discover-invited-connection';
import { buildCert } from '@/lib/testing/certs';
import { certificateRow } from '@/lib/testing/store-certificate';
import { DIRECTORY_ROLES } from '@/sim/directory/directory-roles';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import type { MasterKeyRing } from '@/lib/vault/master-key';
import { delegatedAppConfig, testKeyRing } from '@/lib/invitations/testing/delegated-sign-in';
import { createTestInvitation, customerAdminSignsIn, holdDelegatedToken } from '@/lib/testing/invitation-journey';
import { isRekeyError } from '@/lib/errors';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { reclassifyConnectors } from '@/lib/detection/reclassify-connectors';
import { scanDrift } from '@/lib/detection/scan-drift';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const ring: MasterKeyRing = testKeyRing();
let gs: GraphSim;
let cfg: DelegatedAppConfig;

async function runToEnd(id: string, d: RotationDeps): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const r = await advanceRotation(id, d);
    if (r.kind === 'not_due') await new Promise((res) => setTimeout(res, Math.max(1, r.at.getTime() - Date.now())));
    else if (r.kind === 'idle') return;
  }
  throw new Error('rotation did not finish');
}

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  cfg = delegatedAppConfig(gs);
  await seedDefaults(db);
});
afterAll(async () => {
  await gs?.close();
});

describe('an invitation rotated by the customer admin with a delegated token', () => {
  it('rotates the key in a tenant without management consent, keeps no token, and records the admin as actor', async () => {
    const fx = await rotationFixture(gs, { scenario: 'consent-revoked' });
    const target = gs.manifest.tenants.find((t) => t.id === fx.sim.tenantId)!;
    const inv = await createTestInvitation(db, {
      entraTenantId: target.id,
      tenantId: fx.tenant.id,
      connectorId: fx.connector.id,
      certificateId: fx.newCert.id,
    });
    // The management app really has no access there.
    await expect(
      createGraphPortAdapter(gs.graph).readConnection({
        tenant: { id: target.id },
        appId: fx.sim.appId,
        appObjectId: fx.connector.appObjectId,
      }),
    ).rejects.toMatchObject({ code: 'NOT_CONSENTED' });

    // An advisory names the old certificate: the connector is compromised before the customer acts.
    await db.advisory.create({
      data: {
        title: 'vendor key leaked',
        severity: 'critical',
        publishedAt: new Date(),
        indicators: { create: [{ kind: 'sha1', value: fx.oldCert.sha1Thumbprint.toUpperCase() }] },
      },
    });
    await reclassifyConnectors(db, { connectorIds: [fx.connector.id] }, { now: new Date() });
    expect((await db.connector.findUniqueOrThrow({ where: { id: fx.connector.id } })).status).toBe('compromised');

    const upn = `ga@${target.domain}`;
    const { admin } = await customerAdminSignsIn(db, { cfg, ring, invitationId: inv.id, upn, clientIp: '192.0.2.44' });

    // A mistyped name changes nothing.
    const typo = await confirmInvitationRotation(admin, { invitationId: inv.id, typedName: 'Mailbox' }).catch(
      (e: unknown) => e,
    );
    expect(isRekeyError(typo) && typo.message).toBe(
      `Type the connection's name exactly as shown: ${fx.connector.displayName}.`,
    );
    const { rotationId } = await confirmInvitationRotation(admin, {
      invitationId: inv.id,
      typedName: fx.connector.displayName,
    });

    const source = createDelegatedTokenSource(db, cfg, { ring: () => ring });
    const delegated = createDelegatedGraphPort(source, {
      graphEndpoint: gs.sim.url,
      graphResource: cfg.graphResource,
      authorityHost: gs.sim.url,
    });
    await runToEnd(
      rotationId,
      testRotationDeps(gs, { graph: withDelegatedTenants(createGraphPortAdapter(gs.graph), delegated, source) }),
    );

    const rotation = await db.rotation.findUniqueOrThrow({ where: { id: rotationId } });
    expect(rotation.state).toBe('SUCCEEDED');
    const creds = simCredentials(gs, fx.sim.tenantId, fx.sim.appId);
    expect(creds.app).toContain(fx.sim.newSha1);
    expect(creds.app).not.toContain(fx.sim.oldSha1);
    expect(await db.delegatedToken.count({ where: { entraTenantId: target.id } })).toBe(0);
    const after = await db.invitation.findUniqueOrThrow({ where: { id: inv.id } });
    expect(after.state).toBe('ROTATED');
    expect(after.usedAt).not.toBeNull();
    expect(after.rotationId).toBe(rotationId);
    // Its history and the audit event say the same, in the transaction that finished the rotation.
    const events = await db.invitationEvent.findMany({ where: { invitationId: inv.id }, orderBy: { at: 'asc' } });
    expect(events.at(-1)).toMatchObject({ state: 'ROTATED', detail: null, at: after.usedAt });
    const invitationAudit = await db.auditEvent.findFirstOrThrow({
      where: { action: 'invitation.rotated', targetId: inv.id },
    });
    expect(invitationAudit.after).toMatchObject({
      state: 'ROTATED',
      rotationId,
      delegatedTokensDeleted: 1,
      customerAdmin: upn,
    });
    const started = await db.auditEvent.findFirstOrThrow({
      where: { action: 'rotation.started', targetId: rotationId },
    });
    expect(started.actorLabel).toBe(`customer admin ${upn} (tenant ${target.id})`);
    expect(started.clientIp).toBe('192.0.2.44');
    // Every step the engine ran with the admin's token is audited with the admin as actor, not `system`.
    const steps = await db.auditEvent.findMany({
      where: { targetId: rotationId, action: { startsWith: 'rotation.' } },
      orderBy: { seq: 'asc' },
    });
    expect(steps.filter((e) => e.action.startsWith('rotation.step.')).length).toBeGreaterThan(3);
    expect(steps.map((e) => e.action)).toContain('rotation.succeeded');
    for (const e of steps) {
      expect([e.action, e.actorLabel]).toEqual([e.action, `customer admin ${upn} (tenant ${target.id})`]);
      expect([e.action, e.clientIp]).toEqual([e.action, '192.0.2.44']);
    }
    // Single use: confirming again is refused with the finished result.
    const again = await confirmInvitationRotation(admin, {
      invitationId: inv.id,
      typedName: fx.connector.displayName,
    }).catch((e: unknown) => e);
    expect(isRekeyError(again) && again.message).toBe('This connection was already rotated with this link.');

    // Rekey no longer lists the connector as compromised: the rotation's own reads showed the old key gone…
    const rotated = await db.connector.findUniqueOrThrow({ where: { id: fx.connector.id } });
    expect(rotated.currentCertificateId).toBe(fx.newCert.id);
    expect(rotated.status).not.toBe('compromised');
    // …and after the admin grants Rekey's management app again, a drift scan agrees.
    gs.sim.admin.grantAppRoles(target.id, gs.manifest.managementApp.appId, gs.manifest.managementApp.graphRoles);
    const scan = await scanDrift(
      createUseCaseContext({ actor: SYSTEM_ACTOR, now: new Date(), graph: () => gs.graph }),
      {
        tenantIds: [fx.tenant.id],
      },
    );
    expect(scan.failedTenants).toBe(0);
    const rescanned = await db.connector.findUniqueOrThrow({ where: { id: fx.connector.id } });
    expect(rescanned.status).not.toBe('compromised');
    expect(rescanned.status).not.toBe('targeted');
  });

  it('refuses the confirmation when an advisory published after the link was sent names the new certificate', async () => {
    const fx = await rotationFixture(gs, { scenario: 'consent-revoked', index: 1 });
    const target = gs.manifest.tenants.find((t) => t.id === fx.sim.tenantId)!;
    const sentAt = new Date();
    const inv = await createTestInvitation(db, {
      entraTenantId: target.id,
      tenantId: fx.tenant.id,
      connectorId: fx.connector.id,
      certificateId: fx.newCert.id,
      createdAt: sentAt,
    });
    const upn = `ga@${target.domain}`;
    const { who, admin } = await customerAdminSignsIn(db, {
      cfg,
      ring,
      invitationId: inv.id,
      upn,
      clientIp: '192.0.2.45',
    });
    const before = simCredentials(gs, fx.sim.tenantId, fx.sim.appId);

    // After the link was sent (and after the admin signed in), an advisory names the replacement certificate.
    await db.advisory.create({
      data: {
        title: 'replacement key leaked too',
        severity: 'critical',
        publishedAt: new Date(),
        indicators: { create: [{ kind: 'sha256', value: fx.newCert.sha256Thumbprint.toUpperCase() }] },
      },
    });
    const refused = await confirmInvitationRotation(admin, {
      invitationId: inv.id,
      typedName: fx.connector.displayName,
    }).catch((e: unknown) => e);
    const why = `The certificate this invitation would install (SHA-1 ${fx.newCert.sha1Thumbprint.toUpperCase()}) is named by a security advisory published since the link was sent, so it is no longer trusted. Nothing was changed in your tenant; ask the sender for a new link.`;
    expect(isRekeyError(refused) && [refused.code, refused.message]).toEqual(['CONFLICT', why]);

    // Nothing rotated: no rotation was started, the tenant holds exactly the keys it held…
    expect(await db.rotation.count({ where: { connectorId: fx.connector.id } })).toBe(0);
    expect(simCredentials(gs, fx.sim.tenantId, fx.sim.appId)).toEqual(before);
    expect(before.app).not.toContain(fx.sim.newSha1);
    // …the invitation says why (the vendor's list and the customer's page show it), Rekey let go of the token…
    const after = await db.invitation.findUniqueOrThrow({ where: { id: inv.id } });
    expect([after.state, after.stateDetail, after.usedAt, after.rotationId]).toEqual(['FAILED', why, null, null]);
    expect(await db.delegatedToken.count({ where: { invitationId: inv.id } })).toBe(0);
    // …and the refusal is audited with the admin as actor.
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'invitation.failed', targetId: inv.id } });
    expect([audit.actorLabel, (audit.after as { detail: string }).detail]).toEqual([
      `customer admin ${upn} (tenant ${target.id})`,
      why,
    ]);
    // Signing in again and confirming again is refused the same way: the certificate stays untrusted.
    await recordInvitationStep(admin, { invitationId: inv.id, to: 'SIGNED_IN' });
    await holdDelegatedToken(db, ring, inv.id, who);
    await expect(
      confirmInvitationRotation(admin, { invitationId: inv.id, typedName: fx.connector.displayName }),
    ).rejects.toThrow(why);
    expect(await db.rotation.count({ where: { connectorId: fx.connector.id } })).toBe(0);
  });

  it('a CSV invitation for a customer Rekey does not manage: the admin signs in, Rekey finds the connection with their token, and it rotates', async () => {
    // A customer tenant Rekey has never seen, without the management app, with its vendor connector.
    const t = gs.makeTenant({ name: 'Unmanaged Co', consented: false });
    const upn = `ga@${t.domain}`;
    gs.sim.admin.addUser(t.id, {
      userPrincipalName: upn,
      displayName: 'Unmanaged admin',
      directoryRoles: [DIRECTORY_ROLES.globalAdministrator.id],
    });
    const now = Date.now();
    const old = buildCert({
      subject: 'CN=Vendor stolen, O=Rekey Tests',
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 300 * 86_400_000),
      slot: 950,
    });
    const oldSha1 = crypto.createHash('sha1').update(old.der).digest('hex').toUpperCase();
    const app = gs.makeConnector(t.id, { displayName: 'Mailbox Archive Sync', certificates: [old.pem] });
    const fresh = buildCert({
      subject: 'CN=Vendor replacement, O=Rekey Tests',
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 200 * 86_400_000),
      slot: 951,
    });
    const newCert = await db.certificate.create({
      data: certificateRow(fresh.pem, { privateKeyPem: fresh.keyPem, masterKey: TEST_MASTER_KEY }),
    });
    expect(await db.tenant.count({ where: { entraTenantId: t.id } })).toBe(0);
    // The vendor's CSV row: a domain and an e-mail, nothing else.
    const inv = await createTestInvitation(db, { tenantDomain: t.domain, certificateId: newCert.id });

    const { who, admin } = await customerAdminSignsIn(db, {
      cfg,
      ring,
      invitationId: inv.id,
      upn,
      clientIp: '192.0.2.46',
    });
    const source = createDelegatedTokenSource(db, cfg, { ring: () => ring });
    const found = await discoverInvitedConnection(
      {
        ...admin,
        graph: delegatedGraphAccess(source, {
          graphEndpoint: gs.sim.url,
          graphResource: cfg.graphResource,
          authorityHost: gs.sim.url,
        }),
      },
      { invitationId: inv.id, entraTenantId: who.tenantId, domain: null },
    );
    expect(found).toMatchObject({ kind: 'attached', displayName: 'Mailbox Archive Sync' });
    // Rekey now knows the tenant (no management consent) and the connection on its old certificate…
    const tenant = await db.tenant.findUniqueOrThrow({ where: { entraTenantId: t.id } });
    expect([tenant.defaultDomain, tenant.consentState, tenant.lastScanAt !== null]).toEqual([
      t.domain,
      'unknown',
      true,
    ]);
    const connector = await db.connector.findUniqueOrThrow({
      where: { id: (found as { connectorId: string }).connectorId },
      include: { currentCertificate: { select: { sha1Thumbprint: true } } },
    });
    expect([connector.appId, connector.tenantId, connector.currentCertificate?.sha1Thumbprint]).toEqual([
      app.appId,
      tenant.id,
      oldSha1,
    ]);
    const attached = await db.invitation.findUniqueOrThrow({ where: { id: inv.id } });
    expect([attached.tenantId, attached.connectorId]).toEqual([tenant.id, connector.id]);
    // …and the read is audited with the customer's admin as actor.
    const created = await db.auditEvent.findFirstOrThrow({ where: { action: 'tenant.create', targetId: tenant.id } });
    expect(created.actorLabel).toBe(`customer admin ${upn} (tenant ${t.id})`);

    const { rotationId } = await confirmInvitationRotation(admin, {
      invitationId: inv.id,
      typedName: 'Mailbox Archive Sync',
    });
    const delegated = createDelegatedGraphPort(source, {
      graphEndpoint: gs.sim.url,
      graphResource: cfg.graphResource,
      authorityHost: gs.sim.url,
    });
    await runToEnd(
      rotationId,
      testRotationDeps(gs, { graph: withDelegatedTenants(createGraphPortAdapter(gs.graph), delegated, source) }),
    );
    expect((await db.rotation.findUniqueOrThrow({ where: { id: rotationId } })).state).toBe('SUCCEEDED');
    const creds = simCredentials(gs, t.id, app.appId);
    expect(creds.app).toContain(newCert.sha1Thumbprint.toUpperCase());
    expect(creds.app).not.toContain(oldSha1);
    expect(await db.delegatedToken.count({ where: { entraTenantId: t.id } })).toBe(0);
    expect((await db.invitation.findUniqueOrThrow({ where: { id: inv.id } })).state).toBe('ROTATED');
    // Rekey's management app never got a foothold in the tenant.
    const mgmt = gs.manifest.managementApp.appId;
    expect([...gs.sim.admin.getTenant(t.id).servicePrincipals.values()].map((sp) => sp.appId)).not.toContain(mgmt);
  });
});
