/** A scoped operator sees connector counts of their scope only, on the certificate list and page. */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { getCertificate, listCertificates } from '@/lib/certificates/list-certificates';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';

describe('certificate usage counts by scope', () => {
  it('counts only connectors of tenants in scope', async () => {
    const type = await buildConnectorType(db);
    const cert = await buildCertificate(db, { subject: 'CN=Shared Scoped' });
    const eu = await buildTenant(db, { group: 'EU', connectors: [{ status: 'healthy', typeId: type.id }] });
    const us = await buildTenant(db, {
      group: 'US',
      connectors: [
        { status: 'healthy', typeId: type.id },
        { status: 'healthy', typeId: type.id },
      ],
    });
    await db.connector.updateMany({
      where: { tenantId: { in: [eu.id, us.id] } },
      data: { currentCertificateId: cert.id },
    });
    const usage = async (tenantScope?: Parameters<typeof listCertificates>[1]['tenantScope']) =>
      (await listCertificates(db, { q: 'Shared Scoped', tenantScope })).rows.map((r) => r.connectors);
    expect(await usage()).toEqual([3]);
    expect(await usage({})).toEqual([3]);
    expect(await usage({ group: { in: ['EU'] } })).toEqual([1]);
    expect(await usage({ id: { in: [] } })).toEqual([0]);
    const page = await getCertificate(db, cert.id, { group: { in: ['US'] } });
    expect(page?.connectors.map((c) => c.tenant.id)).toEqual([us.id, us.id]);
  });
});
