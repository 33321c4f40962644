import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCertificateId } from '@/lib/certificates/find-certificate-id';
import { db } from '@/lib/db';
import { findConnector } from '@/lib/fleet/find-connector';
import { getTenantDetail } from '@/lib/fleet/get-tenant-detail';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const ctx = createUseCaseContext({ actor: { id: null, label: 'test' }, now: new Date('2026-12-01T12:00:00Z') });

let tenant: Awaited<ReturnType<typeof buildTenant>>;
let cert: Awaited<ReturnType<typeof buildCertificate>>;

beforeAll(async () => {
  const type = await buildConnectorType(db, 'Detail');
  cert = await buildCertificate(db, { subject: 'CN=Detail 2027' });
  tenant = await buildTenant(db, {
    name: 'Detail Tenant',
    connectors: [{ status: 'healthy', typeId: type.id, name: 'Detail Sync' }],
  });
  await db.connector.update({ where: { id: tenant.connectors[0]!.id }, data: { currentCertificateId: cert.id } });
});

describe('detail reads for the tenant, connector and advisory pages (ctx, input)', () => {
  it('reads a connector with its certificate’s public facts only; null for a malformed or unknown id', async () => {
    const c = await findConnector(ctx, tenant.connectors[0]!.id);
    expect(c).toMatchObject({ displayName: 'Detail Sync', tenantId: tenant.id, currentCertificate: { id: cert.id } });
    expect(Object.keys(c!.currentCertificate!)).not.toContain('der');
    expect(await findConnector(ctx, 'nope')).toBeNull();
    expect(await findConnector(ctx, randomUUID())).toBeNull();
  });

  it('reads a tenant with its connectors; null for an unknown tenant', async () => {
    const d = await getTenantDetail(ctx, tenant.id);
    expect(d?.tenant.displayName).toBe('Detail Tenant');
    expect(d?.connectors.map((c) => c.displayName)).toEqual(['Detail Sync']);
    expect(await getTenantDetail(ctx, randomUUID())).toBeNull();
  });

  it('finds a certificate by id or either thumbprint, in any case and with separators; names what is wrong otherwise', async () => {
    expect(await findCertificateId(ctx, cert.id.toUpperCase())).toBe(cert.id);
    expect(await findCertificateId(ctx, cert.sha1Thumbprint.toLowerCase())).toBe(cert.id);
    const colons = cert.sha256Thumbprint.match(/../g)!.join(':');
    expect(await findCertificateId(ctx, colons)).toBe(cert.id);
    await expect(findCertificateId(ctx, 'xyz')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(findCertificateId(ctx, 'A'.repeat(40))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
