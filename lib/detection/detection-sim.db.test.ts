/**
 * Detection end to end against the in-process simulator's demo fleet: the inventory is built from
 * the fleet manifest (lib/tenants has no discovery scan yet), the vendor advisory names the
 * compromised certificate, then the drift and sign-in scans run through lib/graph.
 */
import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { importAdvisory } from '@/lib/detection/import-advisory';
import { scanDrift } from '@/lib/detection/scan-drift';
import { scanSignIns } from '@/lib/detection/scan-sign-ins';
import { getConnectorDrift } from '@/lib/detection/get-connector-drift';
import { getTenantEvidence } from '@/lib/detection/get-tenant-evidence';
import { listTargetedTenants } from '@/lib/detection/list-targeted-tenants';
import { removeUnknownCredential } from '@/lib/detection/remove-unknown-credential';
import { findFirstUseAfter } from '@/lib/detection/first-use-after-rotation';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { seedDefaults } from '@/lib/seed/seed-defaults';
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
  const compromised = gs.manifest.vendor.certificates.find(
    (c) => c.name === gs.manifest.scenarios.compromisedCertificate,
  )!;
  await importAdvisory(ctx(), {
    content: JSON.stringify({
      title: 'Litware Connect certificate stolen',
      severity: 'critical',
      publishedAt: now.toISOString(),
      compromiseWindow: { start: new Date(now.getTime() - 14 * 86_400_000).toISOString() },
      guidance: 'Re-establish the connection.',
      indicators: [{ sha1: compromised.thumbprintSha1 }],
    }),
    fileName: 'litware.json',
  });
}, 120_000);

afterAll(async () => {
  await gs?.close();
});

describe('detection against the simulator demo fleet', () => {
  it('the drift scan flags the tenant with the extra credential, and no other', async () => {
    const r = await scanDrift(ctx(), { all: true });
    const s = gs.manifest.scenarios;
    const drifted = r.tenants.filter((t) => t.connectors.some((c) => c.drifted)).map((t) => t.tenantId);
    expect(drifted).toEqual([rekeyId(s.unknownCredentialTenantId!)]);
    // The consent-revoked tenant cannot be read: reported, not silently clean.
    expect(r.tenants.filter((t) => !t.ok).map((t) => t.tenantId)).toEqual([rekeyId(s.consentRevokedTenantId!)]);
    const conn = await db.connector.findFirstOrThrow({ where: { appId: s.unknownCredential!.appId } });
    const detail = await getConnectorDrift(ctx(), { connectorId: conn.id });
    expect(detail.unknown.map((u) => [u.keyId, u.thumbprint])).toEqual([
      [s.unknownCredential!.keyId, s.unknownCredential!.thumbprintSha1],
    ]);
    expect(detail.missing).toEqual([]);
    // drift unless something worse (a compromised certificate) outranks it
    expect(detail.reasons.map((x) => x.check)).toContain('tenantCredentialsDrifted');
    expect(['drift', 'compromised', 'targeted']).toContain(detail.status);
  });

  it('the sign-in scan finds exactly the seeded attacker tenants', async () => {
    const r = await scanSignIns(ctx(), { all: true });
    const expected = gs.manifest.scenarios.attackerTargetedTenantIds.map(rekeyId).sort();
    expect(r.targetedTenants).toEqual(expected);
    const targetedNow = await db.tenant.findMany({
      where: { connectors: { some: { status: 'targeted' } } },
      select: { id: true },
    });
    expect(targetedNow.map((t) => t.id).sort()).toEqual(expected);
    const list = await listTargetedTenants(ctx());
    expect(list.map((t) => t.tenantId).sort()).toEqual(expected);
    for (const t of list) {
      expect(t.unknownAddresses.every((ip) => gs.manifest.vendor.attackerIps.includes(ip))).toBe(true);
      expect(t.unknownAddressSignIns).toBeGreaterThan(0);
    }
    const evidence = await getTenantEvidence(ctx(), { tenantId: expected[0]! });
    expect(evidence.signInLog.state).toBe('available');
    expect(
      evidence.items.some(
        (e) => e.classification === 'unknown' && gs.manifest.vendor.attackerIps.includes(e.ipAddress),
      ),
    ).toBe(true);
    expect(evidence.items[0]).toMatchObject({
      at: expect.any(Date) as unknown,
      ipAddress: expect.any(String) as unknown,
      result: expect.any(String) as unknown,
    });
  });

  it('the non-premium tenant says evidence is unavailable instead of looking clean', async () => {
    const np = rekeyId(gs.manifest.scenarios.nonPremiumTenantId!);
    const r = await scanSignIns(ctx(), { tenantIds: [np] });
    expect(r.tenants[0]).toMatchObject({
      state: 'unavailable_license',
      detail: expect.stringMatching(/^evidence unavailable: .*P1\/P2/) as unknown,
    });
    const evidence = await getTenantEvidence(ctx(), { tenantId: np });
    expect(evidence.signInLog).toMatchObject({
      state: 'unavailable_license',
      message: expect.stringMatching(/^Evidence unavailable/) as unknown,
    });
  });

  it("confirms the vendor service's use of a credential after a moment", async () => {
    const t = gs.healthyTenant();
    const c = t.connectors[0]!;
    const cert = gs.manifest.vendor.certificates.find((v) => v.name === c.certificate)!;
    const r = await findFirstUseAfter(gs.graph.gateway, {
      tenant: { id: t.id },
      appId: c.appId,
      sha1: cert.thumbprintSha1,
      after: new Date(now.getTime() - 7 * 86_400_000),
      vendorCidrs: gs.manifest.vendor.egressIpRanges,
    });
    expect(r).toMatchObject({ status: 'used', fromVendorRange: true });
    const none = await findFirstUseAfter(gs.graph.gateway, {
      tenant: { id: t.id },
      appId: c.appId,
      sha1: 'F'.repeat(40),
      after: new Date(now.getTime() - 7 * 86_400_000),
      vendorCidrs: [],
    });
    expect(none).toMatchObject({ status: 'not_yet' });
  });

  it('removes the unknown credential only with the confirmation, and audits it', async () => {
    const s = gs.manifest.scenarios;
    const conn = await db.connector.findFirstOrThrow({ where: { appId: s.unknownCredential!.appId } });
    await expect(
      removeUnknownCredential(ctx(), { connectorId: conn.id, keyId: s.unknownCredential!.keyId, confirm: 'yes' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const current = (await getConnectorDrift(ctx(), { connectorId: conn.id })).known[0]!;
    await expect(
      removeUnknownCredential(ctx(), {
        connectorId: conn.id,
        keyId: current.keyId,
        confirm: current.keyId.slice(0, 8),
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const r = await removeUnknownCredential(ctx(), {
      connectorId: conn.id,
      keyId: s.unknownCredential!.keyId,
      confirm: s.unknownCredential!.keyId.slice(0, 8),
    });
    expect(r.removed).toBe(true);
    const after = await getConnectorDrift(ctx(), { connectorId: conn.id });
    expect(after.unknown).toEqual([]);
    expect(after.reasons.map((x) => x.check)).not.toContain('tenantCredentialsDrifted');
    const audit = await db.auditEvent.findMany({
      where: { targetId: conn.id, action: { startsWith: 'connector.unknown_credential' } },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'connector.unknown_credential.remove_started',
      'connector.unknown_credential.removed',
    ]);
  });
  it('a connector signing in with a client secret from the vendor’s own addresses is evidence, named by its kind', async () => {
    const t = gs.healthyTenant();
    const c = t.connectors[0]!;
    const secret = gs.sim.admin.addPasswordCredentialDirect(t.id, { appId: c.appId, displayName: 'left behind' });
    const vendorIp = gs.manifest.vendor.egressIpRanges[0]!.replace(/\.0\/\d+$/, '.25');
    const res = await fetch(`${gs.sim.url}/${t.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-sim-client-ip': vendorIp },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.appId,
        client_secret: secret.secretText,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(res.status).toBe(200);
    const r = await scanSignIns(ctx(), { tenantIds: [rekeyId(t.id)] });
    expect(r.tenants[0]).toMatchObject({ state: 'available', nonCertificateSignIns: 1 });
    const evidence = await getTenantEvidence(ctx(), { tenantId: rekeyId(t.id) });
    const used = evidence.items.filter((e) => e.credentialType === 'clientSecret');
    expect(used).toEqual([
      expect.objectContaining({ classification: 'vendor', ipAddress: vendorIp, credentialKeyId: secret.keyId }),
    ]);
    // The vendor's own certificate sign-ins from its ranges are still not stored.
    expect(evidence.items.filter((e) => e.classification === 'vendor' && e.credentialType === 'certificate')).toEqual(
      [],
    );
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: 'tenant.sign_in_scan', targetId: rekeyId(t.id) },
      orderBy: { seq: 'desc' },
    });
    expect(audit.after).toMatchObject({ nonCertificateSignIns: 1 });
  });
});
