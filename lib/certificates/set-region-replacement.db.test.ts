/** A region's replacement is its own confirmed, audited admin action (issue 16 item 3). */
import { describe, expect, it } from 'vitest';
import type { Principal } from '@/lib/auth/principal';
import { regionReplacementImpacts, setRegionReplacement } from '@/lib/certificates/set-region-replacement';
import { importCertificate } from '@/lib/certificates/import-certificate';
import { db } from '@/lib/db';
import { buildCert } from '@/lib/testing/certs';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import { storeCertificate } from '@/lib/testing/store-certificate';

const now = new Date();
const principal = (role: 'operator' | 'admin', allTenants = true): Principal => ({
  userId: crypto.randomUUID(),
  email: `${role}@example.test`,
  name: role,
  roles: [{ role, allTenants, tenantIds: [], groups: [] }],
});
const ctx = (p: Principal) => createUseCaseContext({ actor: { id: null, label: p.email }, now, principal: p });

async function certificate(slot: number, region: string | null = null) {
  const b = buildCert({
    subject: `CN=region-replacement-${slot}`,
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + 200 * 86_400_000),
    slot,
  });
  return storeCertificate(db, b.der, { region });
}

async function regionWithConnectors(region: string, connectors: number) {
  const type = await db.connectorType.upsert({
    where: { name: 'Mail Archive' },
    update: {},
    create: { name: 'Mail Archive' },
  });
  const tenant = await db.tenant.create({
    data: { entraTenantId: crypto.randomUUID(), displayName: `Tenant ${region}`, region },
  });
  for (let i = 0; i < connectors; i++)
    await db.connector.create({
      data: {
        tenantId: tenant.id,
        connectorTypeId: type.id,
        displayName: `Connector ${region} ${i}`,
        appId: crypto.randomUUID(),
        appObjectId: crypto.randomUUID(),
      },
    });
}

describe('setRegionReplacement', () => {
  it('an upload never sets it; the confirmed admin action does, replaces the previous one and is audited with its reach', async () => {
    const region = `R-${Math.random().toString(36).slice(2, 8)}`;
    await regionWithConnectors(region, 3);
    const previous = await certificate(731, region);
    const b = buildCert({ subject: 'CN=uploaded-for-one-connector', slot: 732 });
    const { id } = await importCertificate(
      { db, actor: { id: null, label: 'uploader' }, now },
      { file: new File([b.pem], 'vendor.cer') },
    );
    expect((await db.certificate.findUniqueOrThrow({ where: { id } })).region).toBeNull();
    const before = (await regionReplacementImpacts(db, now)).find((i) => i.region === region);
    expect(before).toMatchObject({ connectors: 3, tenants: 1, openCampaigns: 0, previous: { id: previous.id } });

    // An operator may not; a wrong typed confirmation changes nothing.
    await expect(
      setRegionReplacement(ctx(principal('operator')), { certificateId: id, region, confirmText: region }),
    ).rejects.toThrow(/needs the Admin role/);
    await expect(
      setRegionReplacement(ctx(principal('admin')), { certificateId: id, region, confirmText: 'EU' }),
    ).rejects.toThrow(`Type “${region}” to confirm.`);
    expect((await db.certificate.findUniqueOrThrow({ where: { id } })).region).toBeNull();

    await setRegionReplacement(ctx(principal('admin')), { certificateId: id, region, confirmText: region });
    expect((await db.certificate.findUniqueOrThrow({ where: { id } })).region).toBe(region);
    expect((await db.certificate.findUniqueOrThrow({ where: { id: previous.id } })).region).toBeNull();
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: 'certificate.set_region_replacement', targetId: id },
    });
    expect(event.after).toMatchObject({ region, connectors: 3, tenants: 1, openCampaignsUnchanged: 0 });
    expect(event.before).toMatchObject({ region: null, replacementOfRegion: [{ id: previous.id }] });
  });

  it('refuses a certificate on an advisory, naming why, and writes nothing', async () => {
    const region = `R-${Math.random().toString(36).slice(2, 8)}`;
    await regionWithConnectors(region, 1);
    const cert = await certificate(733);
    await db.advisory.create({
      data: {
        title: 'Leaked',
        severity: 'high',
        publishedAt: now,
        indicators: { create: [{ kind: 'sha1', value: cert.sha1Thumbprint }] },
      },
    });
    const audits = await db.auditEvent.count();
    await expect(
      setRegionReplacement(ctx(principal('admin')), { certificateId: cert.id, region, confirmText: region }),
    ).rejects.toThrow(/cannot be a replacement: Its thumbprint is on a compromise advisory/);
    expect((await db.certificate.findUniqueOrThrow({ where: { id: cert.id } })).region).toBeNull();
    expect(await db.auditEvent.count()).toBe(audits);
  });
});
