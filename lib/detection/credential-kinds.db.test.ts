/**
 * Client secrets and federated identity credentials of connector applications (issue 18, "all
 * credential kinds"): planted behind Rekey's back in the simulator, they become drift after a scan
 * (never their secret value), the "remove unknown credential" action removes them (confirmed,
 * audited) and the simulator no longer holds them.
 */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { getConnectorDrift } from '@/lib/detection/get-connector-drift';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import { removeUnknownCredential } from '@/lib/detection/remove-unknown-credential';
import { scanDrift } from '@/lib/detection/scan-drift';
import { withSimFleet } from '@/lib/testing/fleet-builders';
import { scanTenant } from '@/lib/tenants/scan-tenant';

const fleet = withSimFleet(470);
const ctx = () => ({ ...fleet.ctx, now: new Date() });

describe('client secrets and federated credentials of a certificate connector', () => {
  it('a planted secret and FIC are drift after a scan, are removed by the action, audited, and gone from the tenant', async () => {
    const { gs } = fleet;
    const t = await fleet.onboard('Kinds Ltd', [
      { displayName: 'Mailbox Archive Sync', certificates: [fleet.cert('kinds').pem] },
    ]);
    const c = { appId: t.appIds[0]! };
    const secret = gs.sim.admin.addPasswordCredentialDirect(t.simTenantId, { appId: c.appId, displayName: 'backdoor' });
    const fic = gs.sim.admin.addFederatedCredentialDirect(t.simTenantId, {
      appId: c.appId,
      name: 'gh-deploy',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:mallory/tools:ref:refs/heads/main',
    });
    const r = await scanDrift(ctx(), { tenantIds: [t.tenantId] });
    expect(r.tenants[0]).toMatchObject({ ok: true });
    const conn = await db.connector.findFirstOrThrow({ where: { appId: c.appId } });
    const drift = await getConnectorDrift(ctx(), { connectorId: conn.id });
    expect(drift.status).toBe('drift');
    expect(
      drift.unknown.map((u) => [
        u.kind,
        u.keyId,
        u.on,
        u.hint ?? null,
        u.name ?? null,
        u.issuer ?? null,
        u.subject ?? null,
      ]),
    ).toEqual([
      ['secret', secret.keyId, 'application', secret.hint, null, null, null],
      ['federated', fic.id, 'application', null, 'gh-deploy', fic.issuer, fic.subject],
    ]);
    // Never the secret value: Graph does not return it on reads, and Rekey stores none.
    const row = await db.connector.findUniqueOrThrow({ where: { id: conn.id } });
    expect(JSON.stringify([row.observedCredentials, row.driftDetail, row.statusReasons])).not.toContain(
      secret.secretText,
    );
    const detected = await db.auditEvent.findFirstOrThrow({
      where: { targetId: conn.id, action: 'connector.drift_detected' },
    });
    expect(JSON.stringify(detected.after)).toContain(secret.keyId);

    // Confirmation required.
    await expect(
      removeUnknownCredential(ctx(), { connectorId: conn.id, keyId: secret.keyId, confirm: 'nope' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    for (const keyId of [secret.keyId, fic.id]) {
      const done = await removeUnknownCredential(ctx(), { connectorId: conn.id, keyId, confirm: keyId.slice(0, 8) });
      expect(done.removed).toBe(true);
    }
    // The simulator no longer holds either.
    const app = gs.sim.admin.getTenant(t.simTenantId).appsByAppId.get(c.appId)!;
    expect(app.passwordCredentials.map((p) => p.keyId)).not.toContain(secret.keyId);
    expect((app.federatedIdentityCredentials ?? []).map((f) => f.id)).not.toContain(fic.id);
    const after = await getConnectorDrift(ctx(), { connectorId: conn.id });
    expect(after.unknown).toEqual([]);
    expect(after.status).not.toBe('drift');
    const audit = await db.auditEvent.findMany({
      where: { targetId: conn.id, action: { startsWith: 'connector.unknown_credential' } },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((a) => [a.action, (a.before as { credential: { keyId: string } }).credential.keyId])).toEqual([
      ['connector.unknown_credential.remove_started', secret.keyId],
      ['connector.unknown_credential.removed', secret.keyId],
      ['connector.unknown_credential.remove_started', fic.id],
      ['connector.unknown_credential.removed', fic.id],
    ]);
    expect((audit[1]!.after as { path: string }).path).toBe('removePassword');
    expect((audit[3]!.after as { path: string }).path).toBe('delete federatedIdentityCredential');
  });

  it('discovery (the tenant scan) records a secret on the service principal too', async () => {
    const t = await fleet.onboard(
      'Kinds SP Ltd',
      [{ displayName: 'Continuity Monitor', certificates: [fleet.cert('kinds-sp').pem] }],
      { scan: false },
    );
    const appId = t.appIds[0]!;
    const secret = fleet.gs.sim.admin.addPasswordCredentialDirect(t.simTenantId, { appId, target: 'servicePrincipal' });
    await scanTenant(ctx(), { tenantId: t.tenantId });
    const conn = await db.connector.findFirstOrThrow({ where: { appId } });
    const seen = readObservedCredentials(conn.observedCredentials).filter((o) => o.kind);
    expect(seen).toEqual([
      expect.objectContaining({ kind: 'secret', keyId: secret.keyId, on: 'servicePrincipal', hint: secret.hint }),
    ]);
  });
});
