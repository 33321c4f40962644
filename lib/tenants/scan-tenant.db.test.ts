import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { db } from '@/lib/db';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCert } from '@/lib/testing/certs';
import { addTenant } from '@/lib/tenants/add-tenant';
import { scanAllTenants } from '@/lib/tenants/scan-all-tenants';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import type { UseCaseContext } from '@/lib/use-case';

const DAY = 86_400_000;
let gs: GraphSim;
let ctx: UseCaseContext;
let slot = 300;
const newCert = (name: string, days = 200) =>
  buildCert({
    subject: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + days * DAY),
    slot: slot++,
  });
const sha1 = (der: Buffer) => createHash('sha1').update(der).digest('hex').toUpperCase();

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  ctx = createUseCaseContext({ actor: { id: null, label: 'scheduler' }, now: new Date(), graph: () => gs.graph });
  await seedDefaults(db);
});
afterAll(async () => {
  await gs?.close();
});

describe('scanTenant', () => {
  it('records connector apps and their credentials, discovers certificates, and notices drift and removal', async () => {
    const t = gs.makeTenant({ name: 'Scan Ltd' });
    const a = newCert('vendor-a', 100);
    const b = newCert('vendor-b', 300);
    const mon = gs.makeConnector(t.id, { displayName: 'Continuity Monitor', certificates: [a.pem, b.pem] });
    const arch = gs.makeConnector(t.id, { displayName: 'Mailbox Archive Sync EU', certificates: [a.pem] });
    gs.makeConnector(t.id, { displayName: 'Unrelated App', certificates: [newCert('other').pem] });
    const tenant = await addTenant(ctx, { tenant: t.id, name: 'Scan Ltd' });

    const now = new Date();
    const s1 = await scanTenant({ ...ctx, now }, { tenantId: tenant.id });
    expect(s1).toMatchObject({
      connectors: 2,
      created: 2,
      updated: 0,
      missing: 0,
      credentials: 3,
      certificatesDiscovered: 2,
    });
    const connectors = await db.connector.findMany({
      where: { tenantId: tenant.id },
      include: { connectorType: true, currentCertificate: true },
      orderBy: { displayName: 'asc' },
    });
    expect(connectors.map((c) => [c.displayName, c.connectorType.name])).toEqual([
      ['Continuity Monitor', 'Continuity Monitor'],
      ['Mailbox Archive Sync EU', 'Mailbox Archive Sync'],
    ]);
    const monitor = connectors[0]!;
    expect(monitor).toMatchObject({
      appId: mon.appId,
      appObjectId: mon.appObjectId,
      spObjectId: mon.spObjectId,
      observedAt: now,
      missingSince: null,
      credentialOn: 'application',
      // First sight: its own (current) certificate is what Rekey expects.
      expectedThumbprints: [sha1(b.der)],
    });
    // Its timestamps are the real clock's, in UTC (a time-zone slip would be hours off).
    for (const t of [monitor.createdAt, monitor.updatedAt, monitor.statusAt])
      expect(Math.abs(t.getTime() - Date.now())).toBeLessThan(60_000);
    const observed = readObservedCredentials(monitor.observedCredentials);
    expect(observed.map((o) => o.thumbprint).sort()).toEqual([sha1(a.der), sha1(b.der)].sort());
    expect(observed.every((o) => o.on === 'application' && o.sha256)).toBe(true);
    expect(JSON.stringify(monitor.observedCredentials)).not.toMatch(/"key"/);
    // The newest valid certificate becomes current.
    expect(monitor.currentCertificate?.sha1Thumbprint).toBe(sha1(b.der));
    const cert = await db.certificate.findUniqueOrThrow({ where: { sha1Thumbprint: sha1(a.der) } });
    expect(cert).toMatchObject({ source: 'discovered', subject: 'CN=vendor-a', keyType: 'RSA' });
    expect(Buffer.compare(Buffer.from(cert.der), a.der)).toBe(0);
    // Every column as parsed from the DER (times in UTC to the millisecond), no key, no region.
    const parsed = certificateFactsFromDer(a.der);
    expect(cert).toMatchObject({
      sha1Thumbprint: parsed.sha1Thumbprint,
      sha256Thumbprint: parsed.sha256Thumbprint,
      serialNumber: parsed.serialNumber,
      issuer: parsed.issuer,
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
      keySize: parsed.keySize ?? null,
      curve: parsed.curve ?? null,
      signatureAlgorithm: parsed.signatureAlgorithm,
      region: null,
      label: null,
    });
    expect(
      (await db.certificate.findUniqueOrThrow({ where: { id: cert.id }, select: { sealedPrivateKey: true } }))
        .sealedPrivateKey,
    ).toBeNull();
    expect(Math.abs(cert.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    const tenantRow = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(tenantRow).toMatchObject({ lastScanAt: now, lastScanError: null });

    // Outside Rekey: someone adds a credential to one app and deletes the other.
    const rogue = newCert('rogue');
    gs.sim.admin.addKeyCredentialDirect(t.id, { appId: mon.appId, certificate: rogue.pem });
    await gs.graph.gateway.request(t.id, {
      method: 'DELETE',
      path: `/applications/${arch.appObjectId}`,
      operation: 'delete',
    });
    const later = new Date(now.getTime() + 60_000);
    const s2 = await scanTenant({ ...ctx, now: later }, { tenantId: tenant.id });
    expect(s2).toMatchObject({ connectors: 1, created: 0, updated: 1, missing: 1, certificatesDiscovered: 1 });
    expect(s2.changes).toEqual(
      expect.arrayContaining([
        {
          appId: mon.appId,
          displayName: 'Continuity Monitor',
          change: 'credentials_changed',
          added: [`application:${sha1(rogue.der)}`],
          removed: [],
        },
        { appId: arch.appId, displayName: 'Mailbox Archive Sync EU', change: 'missing' },
      ]),
    );
    const gone = await db.connector.findFirstOrThrow({ where: { tenantId: tenant.id, appId: arch.appId } });
    expect(gone.missingSince).toEqual(later);
    expect(gone.updatedAt.getTime()).toBeGreaterThan(monitor.updatedAt.getTime());
    // The connector seen again holds what the tenant holds now, read at the scan's time.
    const seenAgain = await db.connector.findFirstOrThrow({ where: { tenantId: tenant.id, appId: mon.appId } });
    expect(seenAgain).toMatchObject({ observedAt: later, missingSince: null, displayName: 'Continuity Monitor' });
    expect(JSON.stringify(seenAgain.observedCredentials)).toContain(sha1(rogue.der));
    expect(seenAgain.updatedAt.getTime()).toBeGreaterThan(monitor.updatedAt.getTime());
    // The current certificate, once set, is left alone by later scans.
    expect((await db.connector.findFirstOrThrow({ where: { appId: mon.appId } })).currentCertificateId).toBe(
      monitor.currentCertificateId,
    );
    const audits = await db.auditEvent.findMany({
      where: { tenantId: tenant.id, action: 'tenant.scan' },
      orderBy: { seq: 'asc' },
    });
    expect(audits).toHaveLength(2);
    expect(audits[1]!.after).toMatchObject({ ok: true, missing: 1 });
    // Staged by the scan's last statement and chained at its commit: the chain verifies.
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });

  it('tenants scanned at once that share the vendor certificate link one inventory row, each with its key', async () => {
    const shared = newCert('vendor-shared', 300);
    const tenants = await Promise.all(
      ['Shared One', 'Shared Two', 'Shared Three'].map(async (name) => {
        const t = gs.makeTenant({ name });
        gs.makeConnector(t.id, { displayName: 'Continuity Monitor', certificates: [shared.pem, newCert(name).pem] });
        return addTenant(ctx, { tenant: t.id, name });
      }),
    );
    const summaries = await Promise.all(tenants.map((t) => scanTenant(ctx, { tenantId: t.id })));
    // Each scan discovered its own certificate; the shared one was new to exactly one of them.
    expect(summaries.reduce((n, s) => n + s.certificatesDiscovered, 0)).toBe(4);
    const row = await db.certificate.findUniqueOrThrow({ where: { sha1Thumbprint: sha1(shared.der) } });
    const connectors = await db.connector.findMany({ where: { tenantId: { in: tenants.map((t) => t.id) } } });
    expect(connectors).toHaveLength(3);
    // The shared certificate is the newest valid one on each (300 days): every connector links that one row.
    expect(connectors.map((c) => c.currentCertificateId)).toEqual([row.id, row.id, row.id]);
  });

  it('matches connector types by fixed appId, and reads service principal credentials too', async () => {
    const t = gs.makeTenant({ name: 'AppId Ltd' });
    const c = gs.makeConnector(t.id, { displayName: 'Vendor Multi-tenant App', certificates: [newCert('mt').pem] });
    gs.sim.admin.addKeyCredentialDirect(t.id, {
      appId: c.appId,
      target: 'servicePrincipal',
      certificate: newCert('sp').pem,
    });
    await db.connectorType.create({ data: { name: `Fixed ${c.appId}`, appId: c.appId } });
    const tenant = await addTenant(ctx, { tenant: t.id, name: 'AppId Ltd' });
    const s = await scanTenant(ctx, { tenantId: tenant.id });
    expect(s).toMatchObject({ connectors: 1, credentials: 2 });
    const conn = await db.connector.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(
      readObservedCredentials(conn.observedCredentials)
        .map((o) => o.on)
        .sort(),
    ).toEqual(['application', 'servicePrincipal']);
  });

  it('records why a scan failed, and scanAllTenants carries on with the others', async () => {
    const bad = gs.makeTenant({ name: 'Revoked Ltd', consented: false });
    const good = gs.makeTenant({ name: 'Fine Ltd' });
    gs.makeConnector(good.id, { displayName: 'Continuity Monitor', certificates: [newCert('fine').pem] });
    const badRow = await addTenant(ctx, { tenant: bad.id, name: 'Revoked Ltd' });
    const goodRow = await addTenant(ctx, { tenant: good.id, name: 'Fine Ltd' });
    await expect(scanTenant(ctx, { tenantId: badRow.id })).rejects.toMatchObject({ code: 'NOT_CONSENTED' });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: badRow.id } })).lastScanError).toMatch(
      /Rekey is not consented in tenant Revoked Ltd/,
    );
    const results = await scanAllTenants(ctx, { tenantIds: [badRow.id, goodRow.id], concurrency: 2 });
    expect(results.map((r) => [r.name, r.ok, r.ok ? r.summary.connectors : r.code]).sort()).toEqual([
      ['Fine Ltd', true, 1],
      ['Revoked Ltd', false, 'NOT_CONSENTED'],
    ]);
  });
});
