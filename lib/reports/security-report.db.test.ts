import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { exportSecurityReport } from '@/lib/reports/export-security-report';
import { getSecurityReport } from '@/lib/reports/get-security-report';
import { getTenantEvidencePack } from '@/lib/reports/get-tenant-evidence-pack';

const now = new Date('2026-12-10T12:00:00Z');
const at = (s: string) => new Date(`2026-${s}Z`);
const ALL = { all: true } as const;
let alphaId: string;
let a2Rotation: string;
let certX: { id: string; sha1Thumbprint: string };

/*
 * Window: 7 days → from 2026-12-03. Advisories: A1 critical (published 12-05) names certificate X;
 * A2 medium (published 12-01) names Y; Z is in no advisory.
 *   Alpha (EU):   a1 compromised on X; a2 healthy, remediated from X 12-05 10:00→12:00 (12 h since A1)
 *   Bravo (EU):   b1 targeted on Y; b2 healthy, remediated from Y 12-08 05:00→06:00 (174 h since A2)
 *   Charlie (US): c1 compromised on Z; c2 remediated from Z 12-09 10:00→10:30 (0.5 h, no advisory);
 *                 c3 remediated 12-01 (before the window); c4 rotated from `expiring` (not a remediation);
 *                 c5 remediated from X 12-06 00:00 (24 h) but compromised again now
 *   Delta (US, group G): healthy only
 * Unknown sign-ins: Bravo b1 ×3 (2 successful, 2 addresses), Alpha a2 ×1 (old credential, after its rotation), Charlie c1 ×1.
 */
beforeAll(async () => {
  const type = await buildConnectorType(db, 'Archive');
  certX = await buildCertificate(db);
  const certY = await buildCertificate(db);
  const certZ = await buildCertificate(db);
  const certN = await buildCertificate(db);
  await db.advisory.create({
    data: {
      title: 'A1 vendor key leak',
      severity: 'critical',
      publishedAt: at('12-05T00:00:00'),
      indicators: { create: [{ kind: 'sha1', value: certX.sha1Thumbprint }] },
    },
  });
  await db.advisory.create({
    data: {
      title: 'A2 old CA',
      severity: 'medium',
      publishedAt: at('12-01T00:00:00'),
      indicators: { create: [{ kind: 'sha1', value: certY.sha1Thumbprint }] },
    },
  });
  const mk = (name: string, region: string, statuses: ('compromised' | 'targeted' | 'healthy')[], group?: string) =>
    buildTenant(db, {
      name,
      region,
      group: group ?? null,
      connectors: statuses.map((status, i) => ({ status, typeId: type.id, name: `${name[0]!.toLowerCase()}${i + 1}` })),
    });
  const byName = (t: Awaited<ReturnType<typeof mk>>, n: string) => t.connectors.find((c) => c.displayName === n)!;
  const alpha = await mk('Alpha', 'EU', ['compromised', 'healthy']);
  const bravo = await mk('Bravo', 'EU', ['targeted', 'healthy']);
  const charlie = await mk('Charlie', 'US', ['compromised', 'healthy', 'healthy', 'healthy', 'compromised']);
  await mk('Delta', 'US', ['healthy'], 'G');
  alphaId = alpha.id;
  const setCert = (id: string, certificateId: string) =>
    db.connector.update({ where: { id }, data: { currentCertificateId: certificateId } });
  await setCert(byName(alpha, 'a1').id, certX.id);
  await setCert(byName(alpha, 'a2').id, certN.id);
  await setCert(byName(bravo, 'b1').id, certY.id);
  await setCert(byName(bravo, 'b2').id, certN.id);
  await setCert(byName(charlie, 'c1').id, certZ.id);
  await setCert(byName(charlie, 'c5').id, certX.id);
  const rot = (
    connectorId: string,
    from: string,
    startStatus: 'compromised' | 'targeted' | 'expiring',
    startedAt: string,
    finishedAt: string,
    facts: object = {},
  ) =>
    db.rotation.create({
      data: {
        connectorId,
        mode: 'rotate',
        state: 'SUCCEEDED',
        step: 'done',
        startStatus,
        fromCertificateId: from,
        toCertificateId: certN.id,
        startedAt: at(startedAt),
        finishedAt: at(finishedAt),
        createdAt: at(startedAt),
        facts: facts as never,
      },
    });
  const before = { at: '2026-12-05T10:00:01Z', app: [{ keyId: 'k-old', thumbprint: certX.sha1Thumbprint }], sp: [] };
  const afterList = { at: '2026-12-05T11:59:00Z', app: [{ keyId: 'k-new', thumbprint: certN.sha1Thumbprint }], sp: [] };
  a2Rotation = (
    await rot(byName(alpha, 'a2').id, certX.id, 'compromised', '12-05T10:00:00', '12-05T12:00:00', {
      before,
      after: afterList,
      removed: { at: '2026-12-05T11:30:00Z', items: [], alreadyAbsent: false },
    })
  ).id;
  await rot(byName(bravo, 'b2').id, certY.id, 'targeted', '12-08T05:00:00', '12-08T06:00:00');
  await rot(byName(charlie, 'c2').id, certZ.id, 'compromised', '12-09T10:00:00', '12-09T10:30:00');
  await rot(byName(charlie, 'c3').id, certZ.id, 'compromised', '11-30T10:00:00', '12-01T10:00:00');
  await rot(byName(charlie, 'c4').id, certZ.id, 'expiring', '12-06T10:00:00', '12-06T11:00:00');
  await rot(byName(charlie, 'c5').id, certX.id, 'compromised', '12-05T20:00:00', '12-06T00:00:00');
  let n = 0;
  const signIn = (
    tenantId: string,
    connectorId: string,
    appId: string,
    when: string,
    ip: string,
    classification: 'unknown' | 'vendor',
    errorCode = 0,
    thumb: string | null = null,
  ) =>
    db.signInEvidence.create({
      data: {
        tenantId,
        connectorId,
        appId,
        signInId: `s${n++}`,
        at: at(when),
        ipAddress: ip,
        classification,
        errorCode,
        credentialThumbprint: thumb,
      },
    });
  const b1 = byName(bravo, 'b1');
  await signIn(bravo.id, b1.id, b1.appId, '12-07T01:00:00', '203.0.113.5', 'unknown');
  await signIn(bravo.id, b1.id, b1.appId, '12-07T02:00:00', '203.0.113.5', 'unknown', 50126);
  await signIn(bravo.id, b1.id, b1.appId, '12-09T03:00:00', '203.0.113.9', 'unknown');
  await signIn(bravo.id, b1.id, b1.appId, '12-09T04:00:00', '198.51.100.7', 'vendor');
  const a2 = byName(alpha, 'a2');
  await signIn(
    alpha.id,
    a2.id,
    a2.appId,
    '12-05T11:00:00',
    '198.51.100.7',
    'vendor',
    0,
    certX.sha1Thumbprint.toLowerCase(),
  );
  await signIn(alpha.id, a2.id, a2.appId, '12-06T00:00:00', '192.0.2.66', 'unknown', 0, certX.sha1Thumbprint);
  const c1 = byName(charlie, 'c1');
  await signIn(charlie.id, c1.id, c1.appId, '12-04T00:00:00', '198.18.0.1', 'unknown');
});

describe('the security report', () => {
  it('counts the population, what is exposed and the rotated share', async () => {
    const r = await getSecurityReport(db, ALL, { now, days: 7 });
    // exposed now: a1, b1, c1, c5; remediated in the window: a2, b2, c2 (c5 again exposed) → 7, 3 rotated
    expect(r.summary).toEqual({
      population: 7,
      exposedNow: 4,
      remediated: 3,
      rotatedShare: 3 / 7,
      targetedTenants: 3,
      // Built straight into the database: no tenant was ever scanned.
      noAccessTenants: 0,
      notScannedRecentlyTenants: 4,
      exposedUnreadable: 4,
      // No rotation here acted with a customer admin's delegated token.
      verifiedAtRotation: 0,
      maxScanAgeHours: 24,
      medianHoursToRemediate: 18,
      p90HoursToRemediate: 129,
    });
  });

  it('draws the rotated share per day', async () => {
    const r = await getSecurityReport(db, ALL, { now, days: 7 });
    expect(r.rotatedShareByDay.map((d) => [d.day, d.remediated, d.share])).toEqual([
      ['2026-12-03', 0, 0],
      ['2026-12-04', 0, 0],
      ['2026-12-05', 1, 1 / 7],
      ['2026-12-06', 1, 1 / 7],
      ['2026-12-07', 1, 1 / 7],
      ['2026-12-08', 2, 2 / 7],
      ['2026-12-09', 3, 3 / 7],
      ['2026-12-10', 3, 3 / 7],
    ]);
  });

  it('buckets time to remediate from the advisory (or the rotation start when there is none)', async () => {
    const r = await getSecurityReport(db, ALL, { now, days: 7 });
    // c2 0.5 h, a2 12 h, c5 24 h, b2 174 h
    expect(r.timeToRemediate.buckets.map((b) => b.count)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(r.timeToRemediate).toMatchObject({ count: 4, medianHours: 18, p90Hours: 129 });
  });

  it('shows what is outstanding by the worst advisory severity', async () => {
    const r = await getSecurityReport(db, ALL, { now, days: 7 });
    expect(r.outstandingBySeverity).toEqual([
      { severity: 'critical', connectors: 2, targeted: 0, tenants: 2 },
      { severity: 'high', connectors: 0, targeted: 0, tenants: 0 },
      { severity: 'medium', connectors: 1, targeted: 1, tenants: 1 },
      { severity: 'low', connectors: 0, targeted: 0, tenants: 0 },
      { severity: 'unattributed', connectors: 1, targeted: 0, tenants: 1 },
    ]);
  });

  it('lists targeted tenants with their evidence, latest first', async () => {
    const r = await getSecurityReport(db, ALL, { now, days: 7 });
    expect(r.targetedTenants.map(({ tenantId: _t, ...x }) => x)).toEqual([
      {
        tenantName: 'Bravo',
        region: 'EU',
        signIns: 3,
        successfulSignIns: 2,
        connectors: 1,
        ipAddresses: ['203.0.113.5', '203.0.113.9'],
        firstAt: at('12-07T01:00:00'),
        lastAt: at('12-09T03:00:00'),
      },
      {
        tenantName: 'Alpha',
        region: 'EU',
        signIns: 1,
        successfulSignIns: 1,
        connectors: 1,
        ipAddresses: ['192.0.2.66'],
        firstAt: at('12-06T00:00:00'),
        lastAt: at('12-06T00:00:00'),
      },
      {
        tenantName: 'Charlie',
        region: 'US',
        signIns: 1,
        successfulSignIns: 1,
        connectors: 1,
        ipAddresses: ['198.18.0.1'],
        firstAt: at('12-04T00:00:00'),
        lastAt: at('12-04T00:00:00'),
      },
    ]);
  });

  it('applies scope and filters', async () => {
    const us = await getSecurityReport(db, ALL, { now, days: 7, filters: { region: 'US' } });
    expect(us.summary).toMatchObject({ population: 3, exposedNow: 2, remediated: 1, targetedTenants: 1 });
    const groupG = await getSecurityReport(db, { all: false, tenantIds: [], groups: ['G'] }, { now, days: 7 });
    expect(groupG.summary).toMatchObject({
      population: 0,
      exposedNow: 0,
      rotatedShare: 0,
      targetedTenants: 0,
      medianHoursToRemediate: null,
    });
    expect(groupG.outstandingBySeverity.every((s) => s.connectors === 0)).toBe(true);
  });
});

describe('the evidence pack', () => {
  it('holds each rotation’s credential lists, timestamps and the old credential’s last use', async () => {
    const p = await getTenantEvidencePack(db, ALL, alphaId, { now });
    expect(p.tenant.displayName).toBe('Alpha');
    expect(p.connectors.map((c) => [c.displayName, c.status])).toEqual([
      ['a1', 'compromised'],
      ['a2', 'healthy'],
    ]);
    expect(p.rotations).toHaveLength(1);
    expect(p.rotations[0]).toMatchObject({
      id: a2Rotation,
      connectorName: 'a2',
      state: 'SUCCEEDED',
      startStatus: 'compromised',
      startedAt: at('12-05T10:00:00'),
      finishedAt: at('12-05T12:00:00'),
      removedAt: '2026-12-05T11:30:00Z',
      from: { sha1Thumbprint: certX.sha1Thumbprint },
      before: { app: [{ keyId: 'k-old' }] },
      after: { app: [{ keyId: 'k-new' }] },
      oldCredentialLastUsedAt: at('12-06T00:00:00'),
      oldCredentialUsesAfterFinish: 1,
    });
    expect(p.unknownSignIns).toMatchObject([{ ipAddress: '192.0.2.66', at: at('12-06T00:00:00') }]);
  });

  it('is NOT_FOUND outside the scope', async () => {
    await expect(
      getTenantEvidencePack(db, { all: false, tenantIds: [], groups: ['G'] }, alphaId, { now }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the report CSV', () => {
  it('has one escaped line per population connector', async () => {
    const lines: string[] = [];
    for await (const l of exportSecurityReport(db, ALL, { now, days: 7, pageSize: 3 })) lines.push(l);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe(
      'tenant,entra_tenant_id,region,connector,app_id,status_now,worst_severity,advisories,exposed_since,remediated_at,hours_to_remediate,rotation_id,unknown_sign_ins,last_unknown_sign_in,remediation_evidence\r\n',
    );
    const a2 = lines.find((l) => l.includes(',a2,'))!;
    expect(a2).toContain(',healthy,,,2026-12-05T00:00:00.000Z,2026-12-05T12:00:00.000Z,12,');
    expect(a2.endsWith(',1,2026-12-06T00:00:00.000Z,\r\n')).toBe(true);
    const c5 = lines.find((l) => l.includes(',c5,'))!;
    expect(c5).toContain(',compromised,critical,A1 vendor key leak,2026-12-05T00:00:00.000Z,,,,0,,\r\n');
  });
});
