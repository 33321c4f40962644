/**
 * Client secrets and federated identity credentials of connector applications (issue 18, "all
 * credential kinds"): planted behind Rekey's back in the simulator, they become drift after a scan
 * (never their secret value), the "remove unknown credential" action removes them (confirmed,
 * audited) and the simulator no longer holds them.
 */
import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { getConnectorDrift } from '@/lib/detection/get-connector-drift';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import { removeUnknownCredential } from '@/lib/detection/remove-unknown-credential';
import { scanDrift } from '@/lib/detection/scan-drift';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let gs: GraphSim;
const now = new Date();
const tenantIdByEntra = new Map<string, string>();

async function buildInventory(gs: GraphSim) {
  const m = gs.manifest;
  await seedDefaults(db);
  await db.setting.update({ where: { key: 'detection.vendorCidrs' }, data: { value: m.vendor.egressIpRanges } });
  const type = await db.connectorType.findFirstOrThrow();
  const certIds = new Map<string, string>();
  for (const c of m.vendor.certificates) {
    const x = new X509Certificate(fs.readFileSync(c.certificatePath));
    const row = await db.certificate.create({
      data: {
        sha1Thumbprint: c.thumbprintSha1,
        sha256Thumbprint: c.thumbprintSha256,
        serialNumber: x.serialNumber.toUpperCase(),
        subject: c.subject,
        issuer: x.issuer.split('\n').reverse().join(', '),
        notBefore: new Date(c.notBefore),
        notAfter: new Date(c.notAfter),
        keyType: 'RSA',
        keySize: 2048,
        signatureAlgorithm: 'sha256WithRSAEncryption',
        der: x.raw,
        source: 'discovered',
        label: c.name,
      },
    });
    certIds.set(c.name, row.id);
  }
  for (const t of m.tenants) {
    const tenant = await db.tenant.create({
      data: {
        entraTenantId: t.id,
        displayName: t.name,
        defaultDomain: t.domain,
        region: t.region,
        consentState: t.managementConsent === 'granted' ? 'consented' : 'not_consented',
        connectors: {
          create: t.connectors.map((c) => {
            const sha1 = m.vendor.certificates.find((v) => v.name === c.certificate)!.thumbprintSha1;
            return {
              connectorTypeId: type.id,
              displayName: c.displayName,
              appId: c.appId,
              appObjectId: c.applicationObjectId,
              spObjectId: c.servicePrincipalId,
              currentCertificateId: certIds.get(c.certificate)!,
              expectedThumbprints: [sha1],
            };
          }),
        },
      },
    });
    tenantIdByEntra.set(t.id, tenant.id);
  }
}

const ctx = () => createUseCaseContext({ actor: SYSTEM_ACTOR, now, graph: () => gs.graph });
const rekeyId = (entra: string) => tenantIdByEntra.get(entra)!;

beforeAll(async () => {
  gs = await startGraphSim();
  await buildInventory(gs);
}, 120_000);

afterAll(async () => {
  await gs?.close();
});

describe('client secrets and federated credentials of a certificate connector', () => {
  it('a planted secret and FIC are drift after a scan, are removed by the action, audited, and gone from the tenant', async () => {
    const t = gs.tenant();
    const c = t.connectors[0]!;
    const secret = gs.sim.admin.addPasswordCredentialDirect(t.id, { appId: c.appId, displayName: 'backdoor' });
    const fic = gs.sim.admin.addFederatedCredentialDirect(t.id, {
      appId: c.appId,
      name: 'gh-deploy',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:mallory/tools:ref:refs/heads/main',
    });
    const r = await scanDrift(ctx(), { tenantIds: [rekeyId(t.id)] });
    expect(r.tenants[0]).toMatchObject({ ok: true });
    const conn = await db.connector.findFirstOrThrow({ where: { appId: c.appId } });
    const drift = await getConnectorDrift(conn.id, { caller: 'system' });
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
    const app = gs.sim.admin.getTenant(t.id).appsByAppId.get(c.appId)!;
    expect(app.passwordCredentials.map((p) => p.keyId)).not.toContain(secret.keyId);
    expect((app.federatedIdentityCredentials ?? []).map((f) => f.id)).not.toContain(fic.id);
    const after = await getConnectorDrift(conn.id, { caller: 'system' });
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
    const t = gs.manifest.tenants.filter((x) => x.managementConsent === 'granted' && x.connectors.length > 0)[1]!;
    const c = t.connectors[0]!;
    const secret = gs.sim.admin.addPasswordCredentialDirect(t.id, { appId: c.appId, target: 'servicePrincipal' });
    try {
      await scanTenant(ctx(), { tenantId: rekeyId(t.id) });
      const conn = await db.connector.findFirstOrThrow({ where: { appId: c.appId } });
      const seen = readObservedCredentials(conn.observedCredentials).filter((o) => o.kind);
      expect(seen).toEqual([
        expect.objectContaining({ kind: 'secret', keyId: secret.keyId, on: 'servicePrincipal', hint: secret.hint }),
      ]);
    } finally {
      const sp = gs.sim.admin.getTenant(t.id).spsByAppId.get(c.appId)!;
      sp.passwordCredentials = sp.passwordCredentials.filter((p) => p.keyId !== secret.keyId);
    }
  });
});
