/**
 * The campaign side of the trust filter (issue 16: only trustworthy replacements): the certificate
 * list a new campaign maps regions to, and createCampaign's region map, refuse a certificate on an
 * advisory and one Rekey found as an unknown credential in a tenant. Each assertion fails if the
 * filter (untrustedReplacements / requireTrustedReplacement) is taken out of either.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/audit/append-audit-event';
import { listCandidateCertificates } from '@/lib/campaigns/campaign-queries';
import { createCampaign } from '@/lib/campaigns/create-campaign';
import { insertRealCertificate, installInertRotationDeps, principal } from '@/lib/campaigns/testing/campaign-fixture';
import { db } from '@/lib/db';
import { buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const actor: Actor = { id: null, label: 'trust test' };
const ctx = createUseCaseContext({ actor, now, principal: principal('admin') });
const region = `TR-${Math.random().toString(36).slice(2, 7)}`;

let connectorId: string;
let trusted: { id: string; sha1Thumbprint: string };
let onAdvisory: { id: string; sha1Thumbprint: string };
let unknownInTenant: { id: string; sha1Thumbprint: string };

beforeAll(async () => {
  installInertRotationDeps(() => now);
  trusted = await insertRealCertificate(db, `CN=Trust trusted ${region}`);
  onAdvisory = await insertRealCertificate(db, `CN=Trust advisory ${region}`);
  unknownInTenant = await insertRealCertificate(db, `CN=Trust unknown ${region}`);
  await db.certificate.updateMany({
    where: { id: { in: [trusted.id, onAdvisory.id, unknownInTenant.id] } },
    data: { region },
  });
  await db.advisory.create({
    data: {
      title: `Stolen ${region}`,
      severity: 'critical',
      publishedAt: now,
      indicators: { create: [{ kind: 'sha1', value: onAdvisory.sha1Thumbprint }] },
    },
  });
  const type = await buildConnectorType(db, `Trust ${region}`);
  const tenant = await buildTenant(db, {
    name: `Trust ${region}`,
    region,
    connectors: [{ status: 'compromised', typeId: type.id }],
  });
  connectorId = tenant.connectors[0]!.id;
  // The last scan found a credential Rekey does not expect: what the tenant page flags as unknown.
  await db.connector.update({
    where: { id: connectorId },
    data: {
      observedAt: now,
      observedCredentials: [{ keyId: 'k-unknown', thumbprint: unknownInTenant.sha1Thumbprint, on: 'application' }],
    },
  });
});

const campaign = (certificateId: string) =>
  createCampaign(ctx, {
    name: `Trust ${region} ${certificateId.slice(0, 6)}`,
    selection: { kind: 'list', connectorIds: [connectorId] },
    regionCertificates: { [region]: certificateId },
  });

describe('the campaign certificate list', () => {
  it('offers the trustworthy certificate and neither the advisory’s nor the unknown credential’s', async () => {
    const ids = (await listCandidateCertificates(ctx)).map((c) => c.id);
    expect(ids).toContain(trusted.id);
    expect(ids).not.toContain(onAdvisory.id);
    expect(ids).not.toContain(unknownInTenant.id);
  });
});

describe('createCampaign’s region map', () => {
  it.each([
    ['on an advisory', () => onAdvisory, /cannot be a replacement: Its thumbprint is on a compromise advisory/],
    [
      'found as an unknown credential',
      () => unknownInTenant,
      /cannot be a replacement: Rekey found it as an unknown credential/,
    ],
  ])('refuses a certificate %s, naming why, and creates nothing', async (_n, cert, why) => {
    const [campaigns, audits] = [await db.campaign.count(), await db.auditEvent.count()];
    await expect(campaign(cert().id)).rejects.toThrow(why);
    expect([await db.campaign.count(), await db.auditEvent.count()]).toEqual([campaigns, audits]);
  });

  it('accepts the trustworthy certificate', async () => {
    const created = await campaign(trusted.id);
    expect(created.campaign.id).toBeTruthy();
    expect(
      await db.campaignRegionCertificate.findMany({
        where: { campaignId: created.campaign.id },
        select: { region: true, certificateId: true },
      }),
    ).toEqual([{ region, certificateId: trusted.id }]);
  });
});
