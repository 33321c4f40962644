/**
 * A connection the customer's own admin rotated through an invitation counts as remediated in the
 * security report and the fleet figures like any other, on the evidence of the rotation itself;
 * while Rekey has not read it again (no standing access), the report says "verified at rotation,
 * not rescanned" for it — and stops saying so once a scan has read the tenant.
 */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { getFleetOverview } from '@/lib/fleet/get-fleet-overview';
import { exportSecurityReport } from '@/lib/reports/export-security-report';
import { getSecurityReport } from '@/lib/reports/get-security-report';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';

const now = new Date('2026-12-03T12:00:00Z');
const HOUR = 3_600_000;

describe('customer-rotated connections in the figures', () => {
  it('count as remediated, marked verified at rotation until Rekey rescans the tenant', async () => {
    const type = await buildConnectorType(db, 'Self-served');
    const tenant = await buildTenant(db, {
      name: 'Selfserve Co',
      connectors: [
        { status: 'healthy', typeId: type.id, name: 'Rotated by customer' },
        { status: 'compromised', typeId: type.id, name: 'Still exposed' },
      ],
    });
    // Rekey's management app has no consent there: it cannot read the tenant.
    await db.tenant.update({ where: { id: tenant.id }, data: { consentState: 'not_consented' } });
    const rotated = tenant.connectors.find((c) => c.displayName === 'Rotated by customer')!;
    const from = await buildCertificate(db, { subject: 'CN=old' });
    const to = await buildCertificate(db, { subject: 'CN=new' });
    const finishedAt = new Date(now.getTime() - 2 * HOUR);
    // What the delegated rotation leaves behind: SUCCEEDED from compromised, steps acting for the
    // customer admin, and the rotation's own last read as the connector's observation.
    await db.rotation.create({
      data: {
        connectorId: rotated.id,
        mode: 'rotate',
        state: 'SUCCEEDED',
        step: 'done',
        startStatus: 'compromised',
        fromCertificateId: from.id,
        toCertificateId: to.id,
        actorLabel: 'customer admin ga@selfserve.example (tenant x)',
        stepActor: { label: 'customer admin ga@selfserve.example (tenant x)', clientIp: '192.0.2.9' },
        createdAt: new Date(finishedAt.getTime() - HOUR),
        startedAt: new Date(finishedAt.getTime() - HOUR),
        finishedAt,
      },
    });
    await db.connector.update({
      where: { id: rotated.id },
      data: {
        currentCertificateId: to.id,
        observedAt: new Date(finishedAt.getTime() - 60_000),
        observedCredentials: [],
      },
    });
    const scope = { all: false as const, tenantIds: [tenant.id], groups: [] };

    const report = await getSecurityReport(db, scope, { now });
    expect(report.summary).toMatchObject({ population: 2, exposedNow: 1, remediated: 1, verifiedAtRotation: 1 });
    const lines: string[] = [];
    for await (const l of exportSecurityReport(db, scope, { now })) lines.push(l);
    expect(lines.find((l) => l.includes('Rotated by customer'))).toMatch(/,"verified at rotation, not rescanned"\r\n$/);
    expect(lines.find((l) => l.includes('Still exposed'))).toMatch(/,\r\n$/);

    const overview = await getFleetOverview(db, scope, {}, now);
    expect(overview.exposedConnectors).toBe(1);
    expect(overview.burnDown.at(-2)!.exposed).toBe(2); // yesterday: both exposed
    expect(overview.burnDown.at(-1)!.exposed).toBe(1);

    // Consent restored and a scan read the connection: an ordinary remediation again.
    await db.connector.update({ where: { id: rotated.id }, data: { observedAt: new Date(now.getTime() - HOUR) } });
    const rescanned = await getSecurityReport(db, scope, { now });
    expect(rescanned.summary).toMatchObject({ remediated: 1, verifiedAtRotation: 0 });
  });
});
