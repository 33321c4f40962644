/**
 * Test builders for fleet rows (tests only). Writes straight to the database so aggregate tests can
 * set up exactly the fleet they compute expectations for.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '@/lib/db';
import type { ConnectorStatusValue } from '@/lib/fleet/statuses';

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
