/**
 * The one set of fleet builders for tests: rows written straight to the database, so aggregate
 * tests set up exactly the fleet they compute expectations for (buildTenant, buildSampleFleet…),
 * and a fleet in the in-process simulator onboarded through Rekey's use cases (withSimFleet).
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { db, type Db } from '@/lib/db';
import type { ConnectorStatusValue } from '@/lib/fleet/statuses';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCert, type BuiltCert } from '@/lib/testing/certs';
import { addTenant } from '@/lib/tenants/add-tenant';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import type { UseCaseContext } from '@/lib/use-case';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const DAY = 86_400_000;

export async function buildConnectorType(db: Db, name = `Type ${randomUUID().slice(0, 6)}`) {
  return db.connectorType.create({ data: { name } });
}

export async function buildCertificate(db: Db, over: Partial<{ notAfter: Date; subject: string }> = {}) {
  const id = randomUUID().replace(/-/g, '').toUpperCase();
  return db.certificate.create({
    data: {
      sha1Thumbprint: id.slice(0, 40).padEnd(40, '0'),
      sha256Thumbprint: (id + id).slice(0, 64),
      serialNumber: id.slice(0, 16),
      subject: over.subject ?? 'CN=Vendor Connector',
      issuer: 'CN=Vendor CA',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: over.notAfter ?? new Date('2027-06-01T00:00:00Z'),
      keyType: 'RSA',
      keySize: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      der: Buffer.from(id),
      source: 'uploaded',
    },
  });
}

export interface TenantSpec {
  name?: string;
  region?: string;
  group?: string | null;
  connectors?: { status: ConnectorStatusValue; typeId: string; name?: string }[];
}

export async function buildTenant(db: Db, spec: TenantSpec = {}) {
  const entra = randomUUID();
  const name = spec.name ?? `Tenant ${entra.slice(0, 8)}`;
  return db.tenant.create({
    data: {
      entraTenantId: entra,
      displayName: name,
      defaultDomain: `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}.onmicrosoft.com`,
      region: spec.region ?? 'EU',
      group: spec.group ?? null,
      consentState: 'consented',
      connectors: {
        create: (spec.connectors ?? []).map((c, i) => ({
          connectorTypeId: c.typeId,
          displayName: c.name ?? `Connector ${i + 1}`,
          appId: randomUUID(),
          appObjectId: randomUUID(),
          status: c.status,
        })),
      },
    },
    include: { connectors: true },
  });
}

/**
 * The three-tenant sample fleet the fleet-figure tests share (7 connectors, 3 exposed):
 * - Alpha, EU, group A: compromised Archive, healthy Monitor;
 * - Bravo, US, group B: targeted Archive, compromised Archive, expiring Monitor;
 * - Charlie, US, no group: healthy Archive, drift Monitor.
 */
export async function buildSampleFleet(db: Db) {
  const archive = await buildConnectorType(db, 'Archive');
  const monitor = await buildConnectorType(db, 'Monitor');
  const alpha = await buildTenant(db, {
    name: 'Alpha',
    region: 'EU',
    group: 'A',
    connectors: [
      { status: 'compromised', typeId: archive.id },
      { status: 'healthy', typeId: monitor.id },
    ],
  });
  const bravo = await buildTenant(db, {
    name: 'Bravo',
    region: 'US',
    group: 'B',
    connectors: [
      { status: 'targeted', typeId: archive.id },
      { status: 'compromised', typeId: archive.id },
      { status: 'expiring', typeId: monitor.id },
    ],
  });
  const charlie = await buildTenant(db, {
    name: 'Charlie',
    region: 'US',
    connectors: [
      { status: 'healthy', typeId: archive.id },
      { status: 'drift', typeId: monitor.id },
    ],
  });
  return { archive, monitor, alpha, bravo, charlie };
}

/**
 * A fleet in the in-process simulator, onboarded through Rekey's own use cases (db tests that
 * compare Rekey with the simulator: the truth checker, tenant access, campaign verification).
 * Registers the simulator's start and stop with the calling test file's beforeAll/afterAll.
 * `firstSlot` keeps each file's certificate keys distinct (lib/testing/certs.ts caches by slot).
 */
export interface SimFleet {
  readonly gs: GraphSim;
  /** A scheduler's use-case context whose Graph is the simulator's. */
  readonly ctx: UseCaseContext;
  /** A certificate valid from yesterday for 200 days, with a key of its own. */
  cert(name: string): BuiltCert;
  /** A simulator tenant with one app per entry, onboarded (addTenant) and, unless `scan: false`, scanned. */
  onboard(
    name: string,
    apps: { displayName: string; certificates: string[] }[],
    opts?: { scan?: boolean },
  ): Promise<{ simTenantId: string; tenantId: string; appIds: string[] }>;
  /** A Graph environment with no token issued yet (a fresh process), as a use-case context's graph. */
  freshGraph(): UseCaseContext['graph'];
}

export const sha1Of = (der: Buffer) => createHash('sha1').update(der).digest('hex').toUpperCase();

export function withSimFleet(firstSlot: number): SimFleet {
  let gs: GraphSim | undefined;
  let ctx: UseCaseContext | undefined;
  let slot = firstSlot;
  beforeAll(async () => {
    gs = await startGraphSim({ throttling: false });
    ctx = createUseCaseContext({ actor: { id: null, label: 'scheduler' }, now: new Date(), graph: () => gs!.graph });
    await seedDefaults(db);
  });
  afterAll(async () => {
    await gs?.close();
  });
  const need = <T>(x: T | undefined): T => {
    if (!x) throw new Error('withSimFleet: used outside a test (the simulator starts in beforeAll)');
    return x;
  };
  return {
    get gs() {
      return need(gs);
    },
    get ctx() {
      return need(ctx);
    },
    cert: (name) =>
      buildCert({
        subject: `CN=${name}`,
        notBefore: new Date(Date.now() - DAY),
        notAfter: new Date(Date.now() + 200 * DAY),
        slot: slot++,
      }),
    async onboard(name, apps, opts = {}) {
      const g = need(gs);
      const c = { ...need(ctx), now: new Date() };
      const t = g.makeTenant({ name });
      const appIds = apps.map((a) => g.makeConnector(t.id, a).appId);
      const tenant = await addTenant(c, { tenant: t.id, name });
      if (opts.scan !== false) await scanTenant(c, { tenantId: tenant.id });
      return { simTenantId: t.id, tenantId: tenant.id, appIds };
    },
    freshGraph() {
      const env = need(gs).newGraph();
      return () => env;
    },
  };
}
