/**
 * Service-principal connectors end to end (issue 18): a vendor's multi-tenant app present in the
 * customer tenant only as its service principal, with the connection's certificate on that service
 * principal. Discovery, a make-before-break rotation on the service principal, the app instance
 * property lock and least-privilege (Application.ReadWrite.OwnedBy) ownership, through the real
 * lib/graph against the in-process simulator, with replication lag on; every outcome read back from
 * the simulator and the database.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { preflightRotation } from '@/lib/rotation/preflight-rotation';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { TEST_MASTER_KEY, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { buildCert } from '@/lib/testing/certs';
import { certificateRow } from '@/lib/testing/store-certificate';
import { addTenant } from '@/lib/tenants/add-tenant';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import type { ManifestServicePrincipalConnector } from '@/sim/seed/fleet-manifest';
import { DEMO_REPLICATION } from '@/sim/server';

const DAY = 86_400_000;
let gs: GraphSim;
let deps: RotationDeps;
let slot = 700;
const ctx = () =>
  createUseCaseContext({ actor: { id: null, label: 'sp-connector-test' }, now: new Date(), graph: () => gs.graph });
const sha1 = (der: Buffer) => createHash('sha1').update(der).digest('hex').toUpperCase();
const byName = (checks: { name: string; status: string; message: string }[]) =>
  Object.fromEntries(checks.map((c) => [c.name, c]));

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  deps = testRotationDeps(gs);
});
beforeEach(() => {
  gs.sim.reset();
  // Replication lag on, as in Entra ID and the demo: outcomes are asserted, not instant reads.
  gs.sim.admin.setReplication(DEMO_REPLICATION);
});
afterAll(async () => {
  await closeJobQueues();
  await closeLeasePool();
  await gs?.close();
});

function relay(locked: boolean): ManifestServicePrincipalConnector {
  const r = gs.manifest.servicePrincipalConnectors?.find((x) => x.locked === locked);
  if (!r) throw new Error(`the test fleet has no ${locked ? 'locked' : 'unlocked'} service-principal connector`);
  return r;
}

/** The service principal's key credentials in the simulator, as SHA-1 thumbprints. */
function spKeys(tenantId: string, appId: string): string[] {
  const sp = gs.sim.admin.getTenant(tenantId).spsByAppId.get(appId);
  return (sp?.keyCredentials ?? []).map((k) => (k.key ? sha1(k.key) : '?'));
}

async function newCertificate(name: string) {
  const built = buildCert({
    subject: `CN=${name} rotated ${slot}, O=Rekey Tests`,
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 200 * DAY),
    slot: slot++,
  });
  const data = certificateRow(built.pem, { privateKeyPem: built.keyPem, masterKey: TEST_MASTER_KEY });
  return db.certificate.upsert({ where: { sha1Thumbprint: data.sha1Thumbprint }, update: {}, create: data });
}

/** Onboards the manifest tenant of `r` with a connector type matching the relay app, and scans it. */
async function discover(r: ManifestServicePrincipalConnector) {
  const entra = gs.sim.admin.getTenant(r.tenantId);
  const tenant =
    (await db.tenant.findUnique({ where: { entraTenantId: r.tenantId } })) ??
    (await addTenant(ctx(), { tenant: r.tenantId, name: entra.displayName }));
  await db.connectorType.upsert({
    where: { name: `${r.displayName} (test)` },
    update: { appId: r.appId },
    create: { name: `${r.displayName} (test)`, appId: r.appId },
  });
  const summary = await scanTenant(ctx(), { tenantId: tenant.id });
  const connector = await db.connector.findFirstOrThrow({
    where: { tenantId: tenant.id, appId: r.appId },
    include: { currentCertificate: true },
  });
  return { tenant, connector, summary };
}

async function runToEnd(id: string): Promise<string[]> {
  const ran: string[] = [];
  for (let i = 0; i < 60; i++) {
    const r = await advanceRotation(id, deps);
    if (r.kind === 'stepped') ran.push(...r.steps);
    else if (r.kind === 'not_due')
      await new Promise((res) => setTimeout(res, Math.max(1, r.at.getTime() - Date.now())));
    else if (r.kind === 'idle') return ran;
    else throw new Error(`unexpected ${JSON.stringify(r)}`);
  }
  throw new Error('rotation did not finish');
}

describe('service-principal connectors', () => {
  it('discovers a connector present only as the vendor’s service principal, with its certificate', async () => {
    const r = relay(false);
    const vendorSha1 = gs.certificate(r.certificate).sha1.toUpperCase();
    expect(gs.sim.admin.getTenant(r.tenantId).appsByAppId.has(r.appId)).toBe(false);
    const { connector } = await discover(r);
    expect(connector).toMatchObject({
      credentialOn: 'servicePrincipal',
      appObjectId: null,
      spObjectId: r.servicePrincipalId,
      displayName: r.displayName,
    });
    expect(connector.currentCertificate?.sha1Thumbprint).toBe(vendorSha1);
  });

  it('rotates make-before-break on the service principal: the simulator holds the new key and not the old', async () => {
    const r = relay(false);
    const vendor = gs.certificate(r.certificate);
    const { connector } = await discover(r);
    // Rekey holds the vendor's current key (→ addKey with proof on the service principal).
    const held = certificateRow(vendor.certificatePem, {
      privateKeyPem: vendor.privateKeyPem,
      masterKey: TEST_MASTER_KEY,
    });
    await db.certificate.update({
      where: { sha1Thumbprint: held.sha1Thumbprint },
      data: { sealedPrivateKey: held.sealedPrivateKey },
    });
    const next = await newCertificate(r.displayName);
    expect(spKeys(r.tenantId, r.appId)).toEqual([vendor.sha1.toUpperCase()]);

    const pre = await preflightRotation(ctx(), { connectorId: connector.id, toCertificateId: next.id }, deps);
    expect(pre.ok).toBe(true);
    expect(byName(pre.checks).credentialHolderWritable?.status).toBe('pass');

    const rotation = await startRotation(ctx(), { connectorId: connector.id, toCertificateId: next.id });
    const ran = await runToEnd(rotation.id);
    const done = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(done.state, `steps: ${ran.join(', ')} — ${done.errorMessage ?? ''}`).toBe('SUCCEEDED');
    expect(ran).toEqual(expect.arrayContaining(['preflight', 'add_new', 'verify_new', 'remove_old']));
    // The directory (authoritative, not a lagged read) holds exactly the new key on the service principal.
    expect(spKeys(r.tenantId, r.appId)).toEqual([next.sha1Thumbprint]);
    // The vendor's application object in its own tenant was never touched.
    const home = gs.sim.admin.getTenant(r.homeTenantId).appsByAppId.get(r.appId);
    expect(home?.keyCredentials ?? []).toHaveLength(0);
    expect((await db.connector.findUniqueOrThrow({ where: { id: connector.id } })).currentCertificateId).toBe(next.id);
  });

  it('refuses a locked service principal in preflight with the way out, writing nothing', async () => {
    const r = relay(true);
    const { connector } = await discover(r);
    const next = await newCertificate(r.displayName);
    const before = spKeys(r.tenantId, r.appId);
    const sp = gs.sim.admin.getTenant(r.tenantId).spsByAppId.get(r.appId)!;
    const secretsBefore = sp.passwordCredentials.length;
    const rotationsBefore = await db.rotation.count({ where: { connectorId: connector.id } });

    const pre = await preflightRotation(ctx(), { connectorId: connector.id, toCertificateId: next.id }, deps);
    expect(pre.ok).toBe(false);
    const check = byName(pre.checks).credentialHolderWritable;
    expect(check?.status).toBe('fail');
    expect(check?.message).toMatch(/locked credential changes/);
    expect(check?.message).toMatch(/the vendor rotates the credential on its own application/);
    expect(check?.message).toMatch(/re-establishes a customer-owned connection/);

    // Nothing written: the simulator's service principal and Rekey's database are as they were.
    expect(spKeys(r.tenantId, r.appId)).toEqual(before);
    expect(sp.passwordCredentials).toHaveLength(secretsBefore);
    expect(await db.rotation.count({ where: { connectorId: connector.id } })).toBe(rotationsBefore);
    const after = await db.connector.findUniqueOrThrow({ where: { id: connector.id } });
    expect(after.currentCertificateId).toBe(connector.currentCertificateId);
  });
});

describe('least-privilege mode (Application.ReadWrite.OwnedBy)', () => {
  const OWNED_BY_ROLES = [
    'Application.ReadWrite.OwnedBy',
    'AppRoleAssignment.ReadWrite.All',
    'AuditLog.Read.All',
    'Organization.Read.All',
    'Policy.Read.All',
  ];

  async function ownedByConnector(name: string) {
    const t = gs.makeTenant({ name, roles: OWNED_BY_ROLES });
    const old = buildCert({
      subject: `CN=${name} current`,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 60 * DAY),
      slot: slot++,
    });
    const c = gs.makeConnector(t.id, { displayName: `${name} Connector`, certificates: [old.pem] });
    const tenant = await addTenant(ctx(), { tenant: t.id, name });
    const type = await db.connectorType.upsert({
      where: { name: `${name} type` },
      update: {},
      create: { name: `${name} type`, appId: c.appId },
    });
    const oldRow = certificateRow(old.pem, { privateKeyPem: old.keyPem, masterKey: TEST_MASTER_KEY });
    const oldCert = await db.certificate.upsert({
      where: { sha1Thumbprint: oldRow.sha1Thumbprint },
      update: {},
      create: oldRow,
    });
    const connector = await db.connector.create({
      data: {
        tenantId: tenant.id,
        connectorTypeId: type.id,
        displayName: `${name} Connector`,
        appId: c.appId,
        appObjectId: c.appObjectId,
        spObjectId: c.spObjectId,
        currentCertificateId: oldCert.id,
      },
    });
    const managementSp = gs.sim.admin.getTenant(t.id).spsByAppId.get(gs.manifest.managementApp.appId)!;
    return { t, c, connector, oldSha1: oldCert.sha1Thumbprint, managementSpId: managementSp.id };
  }

  it('explains what is missing when Rekey’s service principal does not own the application, writing nothing', async () => {
    const o = await ownedByConnector('Owned Not Ltd');
    const next = await newCertificate('Owned Not');
    const pre = await preflightRotation(ctx(), { connectorId: o.connector.id, toCertificateId: next.id }, deps);
    expect(pre.ok).toBe(false);
    const check = byName(pre.checks).credentialHolderWritable;
    expect(check?.status).toBe('fail');
    expect(check?.message).toMatch(/Application\.ReadWrite\.OwnedBy/);
    expect(check?.message).toContain(o.managementSpId);
    expect(check?.message).toMatch(/is not an owner of the application/);
    expect(check?.message).toMatch(/Add Rekey's service principal as an owner/);
    const app = gs.sim.admin.getTenant(o.t.id).appsByAppId.get(o.c.appId)!;
    expect(app.keyCredentials.map((k) => sha1(k.key!))).toEqual([o.oldSha1]);
  });

  it('rotates with only Application.ReadWrite.OwnedBy once Rekey’s service principal owns the application', async () => {
    const o = await ownedByConnector('Owned Yes Ltd');
    // The customer's admin adds Rekey's service principal as an owner (App registrations › Owners).
    const app = gs.sim.admin.getTenant(o.t.id).appsByAppId.get(o.c.appId)!;
    app.owners = [...app.owners, o.managementSpId];
    const next = await newCertificate('Owned Yes');
    const pre = await preflightRotation(ctx(), { connectorId: o.connector.id, toCertificateId: next.id }, deps);
    expect(byName(pre.checks).credentialHolderWritable).toMatchObject({ status: 'pass' });
    expect(byName(pre.checks).credentialHolderWritable?.message).toMatch(/least-privilege mode/);
    expect(pre.ok).toBe(true);

    const rotation = await startRotation(ctx(), { connectorId: o.connector.id, toCertificateId: next.id });
    const ran = await runToEnd(rotation.id);
    const done = await db.rotation.findUniqueOrThrow({ where: { id: rotation.id } });
    expect(done.state, `steps: ${ran.join(', ')} — ${done.errorMessage ?? ''}`).toBe('SUCCEEDED');
    expect(app.keyCredentials.map((k) => sha1(k.key!))).toEqual([next.sha1Thumbprint]);
  });
});
