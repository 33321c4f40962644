import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { createAdvisory } from '@/lib/detection/create-advisory';
import { importAdvisory } from '@/lib/detection/import-advisory';
import { markCertificateCompromised } from '@/lib/detection/mark-certificate-compromised';
import { reclassifyConnectors } from '@/lib/detection/reclassify-connectors';
import { listAdvisories } from '@/lib/detection/list-advisories';
import { getAdvisory } from '@/lib/detection/get-advisory';
import { isRekeyError, type RekeyError } from '@/lib/errors';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-11-29T12:00:00Z');
const ctx = createUseCaseContext({ actor: SYSTEM_ACTOR, now });
type Cert = Awaited<ReturnType<typeof buildCertificate>>;
let stolen: Cert, fresh: Cert, other: Cert;
let ids: { onStolen: string[]; holdsStolen: string; clean: string; otherConn: string };

const observed = (c: Cert, keyId: string) => ({
  keyId,
  thumbprint: c.sha1Thumbprint,
  startDateTime: '2026-01-01T00:00:00Z',
  endDateTime: '2027-06-01T00:00:00Z',
  displayName: c.subject,
  on: 'application',
});

beforeAll(async () => {
  await seedDefaults(db);
  const type = await buildConnectorType(db, 'Archive');
  [stolen, fresh, other] = [await buildCertificate(db), await buildCertificate(db), await buildCertificate(db)];
  const t1 = await buildTenant(db, {
    name: 'Alpha',
    connectors: [
      { status: 'healthy', typeId: type.id },
      { status: 'healthy', typeId: type.id },
    ],
  });
  const t2 = await buildTenant(db, {
    name: 'Bravo',
    connectors: [
      { status: 'healthy', typeId: type.id },
      { status: 'healthy', typeId: type.id },
      { status: 'healthy', typeId: type.id },
    ],
  });
  const [a1, a2] = t1.connectors;
  const [b1, b2, b3] = t2.connectors;
  const set = (id: string, cert: Cert, creds: ReturnType<typeof observed>[]) =>
    db.connector.update({
      where: { id },
      data: {
        currentCertificateId: cert.id,
        observedCredentials: creds,
        observedAt: now,
        expectedThumbprints: [cert.sha1Thumbprint],
      },
    });
  await set(a1!.id, stolen, [observed(stolen, 'k-a1')]);
  await set(b1!.id, stolen, [observed(stolen, 'k-b1')]);
  // Rotated to a fresh certificate, but the stolen credential is still in the tenant.
  await set(a2!.id, fresh, [observed(fresh, 'k-a2'), observed(stolen, 'k-a2-old')]);
  await db.connector.update({
    where: { id: a2!.id },
    data: { expectedThumbprints: [fresh.sha1Thumbprint, stolen.sha1Thumbprint] },
  });
  await set(b2!.id, fresh, [observed(fresh, 'k-b2')]);
  await set(b3!.id, other, [observed(other, 'k-b3')]);
  await reclassifyConnectors(db, { all: true }, { now });
  ids = { onStolen: [a1!.id, b1!.id], holdsStolen: a2!.id, clean: b2!.id, otherConn: b3!.id };
});

async function statusOf(id: string) {
  return (await db.connector.findUniqueOrThrow({ where: { id } })).status;
}

describe('advisories', () => {
  it('starts healthy', async () => {
    for (const id of [...ids.onStolen, ids.holdsStolen, ids.clean]) expect(await statusOf(id)).toBe('healthy');
  });

  it('an import with bad rows changes nothing and names every bad row', async () => {
    const before = {
      advisories: await db.advisory.count(),
      indicators: await db.advisoryIndicator.count(),
      audit: await db.auditEvent.count(),
    };
    const csv = [
      'kind,value,issuer',
      `sha1,${stolen.sha1Thumbprint},`,
      'sha1,XYZ,',
      `sha256,${fresh.sha1Thumbprint},`,
      `serial,${other.serialNumber},CN=Vendor CA`,
    ].join('\n');
    const err = await importAdvisory(ctx, {
      content: csv,
      fileName: 'vendor.csv',
      title: 'Vendor advisory',
      severity: 'critical',
    }).then(
      () => null,
      (e: unknown) => e as RekeyError,
    );
    expect(isRekeyError(err) && err.code).toBe('BAD_INPUT');
    expect(err?.details?.errors).toEqual([
      "row 3: 'XYZ' is not hexadecimal",
      `row 4: '${fresh.sha1Thumbprint}' is not a SHA-256 thumbprint (64 hex digits; it has 40)`,
    ]);
    expect(err?.message).toMatch(/row 3: .*\n.*row 4: /);
    expect({
      advisories: await db.advisory.count(),
      indicators: await db.advisoryIndicator.count(),
      audit: await db.auditEvent.count(),
    }).toEqual(before);
    for (const id of [...ids.onStolen, ids.holdsStolen]) expect(await statusOf(id)).toBe('healthy');
  });

  it('a pasted thumbprint re-classifies at once every connector using or still holding the certificate', async () => {
    const created = await createAdvisory(ctx, {
      title: 'Stolen connector certificate',
      severity: 'critical',
      compromiseStart: '2026-10-01T00:00:00Z',
      indicators: `# from the vendor\n${stolen.sha1Thumbprint.toLowerCase().match(/../g)!.join(':')}\n`,
    });
    expect(created).toMatchObject({ indicators: 1, affectedConnectors: 3, reclassified: { changed: 3 } });
    for (const id of [...ids.onStolen, ids.holdsStolen]) expect(await statusOf(id)).toBe('compromised');
    expect(await statusOf(ids.clean)).toBe('healthy');
    const audit = await db.auditEvent.findMany({
      where: { action: { in: ['advisory.create', 'connector.reclassify'] } },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['advisory.create', 'connector.reclassify']);
    const after = audit[1]!.after as {
      changed: number;
      counts: Record<string, number>;
      transitions: { connectorId: string; from: string; to: string }[];
    };
    expect(after.changed).toBe(3);
    expect(after.counts).toEqual({ 'healthy->compromised': 3 });
    expect(after.transitions.map((t) => t.connectorId).sort()).toEqual([...ids.onStolen, ids.holdsStolen].sort());
  });

  it('a JSON vendor advisory by issuer + serial number matches too', async () => {
    const doc = {
      title: 'Second key',
      severity: 'high',
      publishedAt: '2026-11-28T00:00:00Z',
      compromiseWindow: { start: null, end: null },
      guidance: 'Rotate.',
      indicators: [{ serialNumber: `00${other.serialNumber}`, issuer: 'cn=vendor  ca' }],
    };
    const created = await importAdvisory(ctx, { content: JSON.stringify(doc), fileName: 'advisory.json' });
    expect(created.affectedConnectors).toBe(1);
    expect(await statusOf(ids.otherConn)).toBe('compromised');
  });

  it('marking a certificate compromised creates an advisory naming its thumbprints and serial', async () => {
    const created = await markCertificateCompromised(ctx, { certificateId: fresh.id });
    const adv = await db.advisory.findUniqueOrThrow({ where: { id: created.id }, include: { indicators: true } });
    expect(adv.source).toBe('certificate');
    expect(adv.indicators.map((i) => i.kind).sort()).toEqual(['serial', 'sha1', 'sha256']);
    expect(await statusOf(ids.clean)).toBe('compromised');
  });

  it('lists advisories with affected connector and tenant counts, and details with progress', async () => {
    const list = await listAdvisories(ctx);
    const first = list.find((a) => a.title === 'Stolen connector certificate')!;
    expect(first).toMatchObject({
      severity: 'critical',
      indicatorCount: 1,
      affectedConnectors: 3,
      affectedTenants: 2,
      exposedConnectors: 3,
    });
    const detail = await getAdvisory(ctx, { advisoryId: first.id, pageSize: 2 });
    expect(detail.indicators).toEqual([{ kind: 'sha1', value: stolen.sha1Thumbprint, issuer: null }]);
    expect(detail.affected.total).toBe(3);
    expect(detail.affected.items).toHaveLength(2);
    expect(detail.affected.items[0]).toMatchObject({ status: 'compromised', matchedBy: expect.any(Array) as unknown });
    expect(detail.progress).toMatchObject({ stillExposed: 3, remediated: 0, rotationsInFlight: 0 });
  });

  it('refuses a viewer', async () => {
    const viewer = {
      userId: '00000000-0000-4000-8000-000000000001',
      email: 'v@x',
      name: 'V',
      roles: [{ role: 'viewer' as const, allTenants: true, tenantIds: [], groups: [] }],
    };
    await expect(
      createAdvisory(createUseCaseContext({ ...ctx, principal: viewer }), {
        title: 'x',
        severity: 'low',
        indicators: stolen.sha1Thumbprint,
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
