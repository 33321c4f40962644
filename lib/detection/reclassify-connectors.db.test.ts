import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { createAdvisory } from '@/lib/detection/create-advisory';
import { reclassifyConnectors } from '@/lib/detection/reclassify-connectors';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate, buildConnectorType } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-11-29T12:00:00Z');
const TENANTS = 3_000;
const PER_TENANT = 10;
let certs: Awaited<ReturnType<typeof buildCertificate>>[];

beforeAll(async () => {
  await seedDefaults(db);
  const type = await buildConnectorType(db, 'Archive');
  certs = [];
  for (let i = 0; i < 10; i++)
    certs.push(
      await buildCertificate(db, {
        notAfter: i === 9 ? new Date('2026-12-10T00:00:00Z') : new Date('2027-06-01T00:00:00Z'),
      }),
    );
  // 30,000 connectors, set-based: cert i % 10, observed = that cert, expected = that cert.
  const certIds = certs.map((c) => c.id);
  const thumbs = certs.map((c) => c.sha1Thumbprint);
  await db.$executeRaw`
    INSERT INTO "Tenant" (id, "entraTenantId", "displayName", region, "consentState", "updatedAt")
    SELECT gen_random_uuid(), gen_random_uuid(), 'Tenant ' || n, 'EU', 'consented', now() FROM generate_series(1, ${TENANTS}::int) n`;
  await db.$executeRaw`
    INSERT INTO "Connector" (id, "tenantId", "connectorTypeId", "displayName", "appId", "appObjectId", "currentCertificateId", status, "observedCredentials", "observedAt", "expectedThumbprints", "updatedAt")
    SELECT gen_random_uuid(), t.id, ${type.id}::uuid, 'Connector ' || k, gen_random_uuid()::text, gen_random_uuid()::text,
      (${certIds}::uuid[])[1 + (row_number() OVER () % 10)],
      'healthy',
      jsonb_build_array(jsonb_build_object('keyId', gen_random_uuid()::text, 'thumbprint', (${thumbs}::text[])[1 + (row_number() OVER () % 10)], 'on', 'application')),
      ${now}::timestamp,
      ARRAY[(${thumbs}::text[])[1 + (row_number() OVER () % 10)]],
      now()
    FROM "Tenant" t CROSS JOIN generate_series(1, ${PER_TENANT}::int) k`;
}, 120_000);

describe('reclassifyConnectors at fleet scale', () => {
  it('re-classifies 30,000 connectors set-based, writing and auditing only the changes', async () => {
    const first = await reclassifyConnectors(db, { all: true }, { now, reason: 'test' });
    console.log(
      `[bench] reclassify ${first.examined} connectors (${first.changed} changed) in ${first.durationMs} ms over ${first.batches} batches`,
    );
    expect(first.examined).toBe(TENANTS * PER_TENANT);
    expect(first.batches).toBe(30);
    // certs[9] expires within 30 days → expiring (every 10th connector)
    expect(first.byStatus).toMatchObject({ expiring: 3_000, healthy: 27_000 });
    expect(first.changed).toBe(3_000);
    const events = await db.auditEvent.findMany({ where: { action: 'connector.reclassify' } });
    // One event per batch that changed a status (the expiring connectors are spread over all batches).
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(first.batches);
    expect(events.reduce((n, e) => n + (e.after as { changed: number }).changed, 0)).toBe(3_000);

    const again = await reclassifyConnectors(db, { all: true }, { now });
    console.log(`[bench] reclassify ${again.examined} connectors, nothing changed, in ${again.durationMs} ms`);
    expect(again.changed).toBe(0);
    expect(again.reasonsUpdated).toBe(0);
    expect(await db.auditEvent.count({ where: { action: 'connector.reclassify' } })).toBe(events.length);
  });

  it('an advisory naming one certificate re-classifies its 3,000 connectors inside its transaction', async () => {
    const started = performance.now();
    const created = await createAdvisory(createUseCaseContext({ actor: SYSTEM_ACTOR, now }), {
      title: 'Stolen key',
      severity: 'critical',
      indicators: certs[0]!.sha1Thumbprint,
    });
    console.log(
      `[bench] advisory affecting ${created.affectedConnectors} connectors created and applied in ${Math.round(performance.now() - started)} ms`,
    );
    expect(created.affectedConnectors).toBe(3_000);
    expect(created.reclassified.changed).toBe(3_000);
    expect(await db.connector.count({ where: { status: 'compromised' } })).toBe(3_000);
    const sample = await db.connector.findFirstOrThrow({ where: { status: 'compromised' } });
    expect(sample.statusAt.toISOString()).toBe(now.toISOString());
    expect((sample.statusReasons as { check: string }[])[0]!.check).toBe('certificateCompromised');
  });

  it('sign-ins from unknown addresses with the compromised credential make exactly that connector targeted', async () => {
    const victim = await db.connector.findFirstOrThrow({ where: { status: 'compromised' }, orderBy: { id: 'asc' } });
    const neighbour = await db.connector.findFirstOrThrow({
      where: { status: 'compromised', id: { gt: victim.id } },
      orderBy: { id: 'asc' },
    });
    const ev = (connectorId: string, tenantId: string, ip: string, classification: 'vendor' | 'unknown') => ({
      tenantId,
      connectorId,
      signInId: randomUUID(),
      at: new Date('2026-11-29T08:00:00Z'),
      appId: 'x',
      credentialThumbprint: certs[0]!.sha1Thumbprint,
      ipAddress: ip,
      classification,
    });
    await db.signInEvidence.createMany({
      data: [
        ev(victim.id, victim.tenantId, '203.0.113.66', 'unknown'),
        ev(neighbour.id, neighbour.tenantId, '198.51.100.20', 'vendor'),
      ],
    });
    // An older sign-in from the same address: the reason names the latest one, to the millisecond.
    await db.signInEvidence.create({
      data: { ...ev(victim.id, victim.tenantId, '203.0.113.66', 'unknown'), at: new Date('2026-11-28T07:59:59.123Z') },
    });
    const r = await reclassifyConnectors(db, { tenantIds: [victim.tenantId, neighbour.tenantId] }, { now });
    expect(r.transitions.map((t) => [t.connectorId, t.from, t.to])).toEqual([[victim.id, 'compromised', 'targeted']]);
    const reasons = JSON.stringify((await db.connector.findUniqueOrThrow({ where: { id: victim.id } })).statusReasons);
    expect(reasons).toContain("outside the vendor's known ranges (203.0.113.66), last at 2026-11-29T08:00:00.000Z");
  });
});
