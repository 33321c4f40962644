import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { addTenant } from '@/lib/tenants/add-tenant';
import { checkTenantConsent } from '@/lib/tenants/check-tenant-consent';
import { scanSignIns } from '@/lib/detection/scan-sign-ins';
import { getAdminConsentUrl } from '@/lib/tenants/get-admin-consent-url';
import { importTenants } from '@/lib/tenants/import-tenants';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import type { UseCaseContext } from '@/lib/use-case';

let gs: GraphSim;
let ctx: UseCaseContext;
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  ctx = createUseCaseContext({
    actor: { id: null, label: 'alice@rekey.test' },
    now: new Date(),
    graph: () => gs.graph,
  });
});
afterAll(async () => {
  await gs?.close();
});

const counts = async () => ({ tenants: await db.tenant.count(), audit: await db.auditEvent.count() });

describe('importTenants', () => {
  it('reports every bad row and writes nothing when any row fails', async () => {
    const a = gs.makeTenant({ name: 'Import A' });
    const b = gs.makeTenant({ name: 'Import B' });
    const before = await counts();
    const csv = [
      'tenant,name,region,group',
      `${a.id},Import A,EU,gold`, // 2 ok
      `${b.domain},Import B,,`, // 3 ok (domain)
      '1234-not-a-guid,Bad Guid,,', // 4 invalid
      `${a.id},Again A,,`, // 5 duplicate text
      'nobody-here.onmicrosoft.com,Ghost,,', // 6 unknown domain
      `${b.id},Same as B,,`, // 7 duplicate after resolution
      `${gs.makeTenant({ name: 'C' }).id},,,`, // 8 missing name
    ].join('\n');
    const r = await importTenants(ctx, { csv });
    expect(r.ok).toBe(false);
    expect(r.imported).toBe(0);
    expect(r.rows.map((x) => [x.line, x.status])).toEqual([
      [2, 'ok'],
      [3, 'ok'],
      [4, 'invalid'],
      [5, 'duplicate'],
      [6, 'unknown_domain'],
      [7, 'duplicate'],
      [8, 'invalid'],
    ]);
    expect(r.rows[1]!.entraTenantId).toBe(b.id);
    expect(r.rows[3]!.messages[0]).toMatch(/duplicate of line 2/);
    expect(r.rows[5]!.messages[0]).toMatch(/same tenant .* as line 3/);
    expect(r.rows[6]!.messages[0]).toMatch(/name is missing/);
    expect(await counts()).toEqual(before);
  });

  it('imports a clean file in one go, one audit event per tenant, and refuses it the second time', async () => {
    const a = gs.makeTenant({ name: 'Clean A' });
    const b = gs.makeTenant({ name: 'Clean B' });
    const csv = `tenant,name,region,group\n${a.id},Clean A,EU,gold\n${b.domain},"Clean B, Inc.",US,\n`;
    const before = await counts();
    const r = await importTenants(ctx, { csv });
    expect(r).toMatchObject({ ok: true, imported: 2 });
    expect(await counts()).toEqual({ tenants: before.tenants + 2, audit: before.audit + 2 });
    // Appended as one batch: in file order, and the hash chain still verifies.
    const events = await db.auditEvent.findMany({
      where: { action: 'tenant.create', tenantId: { in: r.tenantIds } },
      orderBy: { seq: 'asc' },
    });
    expect(events.map((e) => (e.after as { line: number }).line)).toEqual([2, 3]);
    expect(events.map((e) => e.tenantId)).toEqual(r.tenantIds);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const tb = await db.tenant.findUniqueOrThrow({ where: { entraTenantId: b.id } });
    expect(tb).toMatchObject({
      displayName: 'Clean B, Inc.',
      defaultDomain: b.domain,
      region: 'US',
      group: null,
      consentState: 'unknown',
    });
    const again = await importTenants(ctx, { csv });
    expect(again.ok).toBe(false);
    expect(again.rows.map((x) => x.status)).toEqual(['already_onboarded', 'already_onboarded']);
    expect(await counts()).toEqual({ tenants: before.tenants + 2, audit: before.audit + 2 });
  });

  it('refuses a file over 5 MiB as a file error (not a schema error), writing nothing', async () => {
    const before = await db.tenant.count();
    const row = `${gs.makeTenant({ name: 'Too Many' }).id},Too Many\n`;
    const csv = `tenant,name\n${row.repeat(Math.ceil((5.5 * 1024 * 1024) / row.length))}`;
    const r = await importTenants(ctx, { csv });
    expect(r).toMatchObject({
      ok: false,
      imported: 0,
      rows: [],
      fileError: expect.stringMatching(/^The tenant CSV is 5\.\d MiB; one import reads at most 5 MiB/),
    });
    expect(await db.tenant.count()).toBe(before);
  });

  it('refuses a file with a bad header', async () => {
    await expect(importTenants(ctx, { csv: 'id,label\nx,y' })).resolves.toMatchObject({
      ok: false,
      fileError: expect.stringMatching(/No tenant column/),
    });
  });

  it('reads an export with a tenant id and a domain column, storing the domain only when it names the same tenant', async () => {
    const a = gs.makeTenant({ name: 'Export A' });
    const b = gs.makeTenant({ name: 'Export B' });
    const other = gs.makeTenant({ name: 'Export Other' });
    const bad = `Tenant ID;Company name;defaultDomainName\r\n${a.id};Export A;${a.domain}\r\n${b.id};Export B;${other.domain}\r\n`;
    const before = await counts();
    const refused = await importTenants(ctx, { csv: bad });
    expect(refused.ok).toBe(false);
    expect(refused.columns).toMatchObject({ tenant: 'Tenant ID', name: 'Company name', domain: 'defaultDomainName' });
    expect(refused.rows.map((x) => [x.line, x.status])).toEqual([
      [2, 'ok'],
      [3, 'invalid'],
    ]);
    expect(refused.rows[1]!.messages[0]).toBe(`the domain ${other.domain} belongs to tenant ${other.id}, not ${b.id}`);
    expect(await counts()).toEqual(before);

    const good = `Tenant ID;Company name;defaultDomainName\r\n${a.id};Export A;${a.domain}\r\n${b.id};Export B;\r\n`;
    expect(await importTenants(ctx, { csv: good })).toMatchObject({ ok: true, imported: 2 });
    expect(await db.tenant.findUniqueOrThrow({ where: { entraTenantId: a.id } })).toMatchObject({
      displayName: 'Export A',
      defaultDomain: a.domain,
    });
  });
});

describe('addTenant', () => {
  it('adds by domain, resolving the tenant id, and refuses a duplicate', async () => {
    const t = gs.makeTenant({ name: 'Single' });
    const created = await addTenant(ctx, { tenant: t.domain.toUpperCase() });
    expect(created).toMatchObject({ entraTenantId: t.id, displayName: t.domain, defaultDomain: t.domain });
    await expect(addTenant(ctx, { tenant: t.id, name: 'x' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(addTenant(ctx, { tenant: 'unknown-zz.onmicrosoft.com' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/Unknown domain/),
    });
    await expect(addTenant(ctx, { tenant: 'not a tenant' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('checkTenantConsent', () => {
  it('finds a consented tenant, stores roles and licence state, and audits only changes', async () => {
    const t = gs.makeTenant({ name: 'Consented' });
    const row = await addTenant(ctx, { tenant: t.id, name: 'Consented' });
    const r = await checkTenantConsent(ctx, { tenantId: row.id });
    // The sign-in logs are not probed by the consent check (their per-app limit is small): the sign-in scan learns it.
    expect(r).toMatchObject({ state: 'consented', signInLogState: 'unknown', changed: true, missing: [] });
    expect(r.grantedRoles).toContain('Application.ReadWrite.All');
    const stored = await db.tenant.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({
      consentState: 'consented',
      grantedRoles: r.grantedRoles,
      signInLogState: 'unknown',
      defaultDomain: t.domain,
    });
    await scanSignIns(ctx, { tenantIds: [row.id] });
    expect(await db.tenant.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ signInLogState: 'available' });
    // Times are stored as UTC, to the millisecond, as every other write stores them.
    expect(stored.consentCheckedAt).toEqual(ctx.now);
    expect(stored.tokenIssuedAt).toEqual(r.tokenIssuedAt);
    expect(r.tokenIssuedAt).toBeInstanceOf(Date);
    const auditBefore = await db.auditEvent.count({ where: { tenantId: row.id, action: 'tenant.consent' } });
    // The change was audited with the row, and the chain still verifies.
    expect(auditBefore).toBe(1);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
    expect((await checkTenantConsent(ctx, { tenantId: row.id })).changed).toBe(false);
    expect(await db.auditEvent.count({ where: { tenantId: row.id, action: 'tenant.consent' } })).toBe(auditBefore);
  });

  it('refuses a tenant Rekey does not know, writing nothing', async () => {
    const before = await counts();
    const id = '00000000-0000-4000-8000-00000000abcd';
    await expect(checkTenantConsent(ctx, { tenantId: id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `No tenant with id ${id}.`,
    });
    expect(await counts()).toEqual(before);
  });

  it('says not consented, with the consent link, when the management app is not in the tenant', async () => {
    const t = gs.makeTenant({ name: 'Not Yet', consented: false });
    const row = await addTenant(ctx, { tenant: t.id, name: 'Not Yet' });
    const r = await checkTenantConsent(ctx, { tenantId: row.id });
    expect(r.state).toBe('not_consented');
    expect(r.detail).toMatch(/Rekey is not consented in tenant Not Yet .* send the admin consent link/);
    const url = await getAdminConsentUrl(ctx, { tenantId: row.id });
    // Rekey's own start link: it creates the request bound to the operator (admin-consent-request.db.test.ts).
    expect(url).toMatch(new RegExp(`^http://localhost:\\d+/tenants/${row.id}/admin-consent$`));
    // The admin consents: the next check sees it.
    gs.sim.admin.addServicePrincipal(t.id, gs.manifest.managementApp.appId);
    gs.sim.admin.grantAppRoles(t.id, gs.manifest.managementApp.appId, gs.manifest.managementApp.graphRoles);
    await expect(checkTenantConsent(ctx, { tenantId: row.id })).resolves.toMatchObject({
      state: 'consented',
      changed: true,
    });
  });

  it('names missing permissions, and sees a tenant without Entra ID P1/P2', async () => {
    const ro = gs.makeTenant({ name: 'Read Only', roles: ['Application.Read.All', 'Organization.Read.All'] });
    const roRow = await addTenant(ctx, { tenant: ro.id, name: 'Read Only' });
    const r = await checkTenantConsent(ctx, { tenantId: roRow.id });
    expect(r.state).toBe('missing_permissions');
    expect(r.detail).toMatch(/lacks Application\.ReadWrite\.All/);
    const basic = gs.makeTenant({ name: 'Basic', premium: false });
    const basicRow = await addTenant(ctx, { tenant: basic.id, name: 'Basic' });
    await expect(checkTenantConsent(ctx, { tenantId: basicRow.id })).resolves.toMatchObject({
      state: 'consented',
      signInLogState: 'unknown',
    });
    // A fleet-wide sign-in scan tries every consented tenant whose logs were never tried.
    await scanSignIns(ctx, { all: true });
    expect(await db.tenant.findUniqueOrThrow({ where: { id: basicRow.id } })).toMatchObject({
      signInLogState: 'unavailable_license',
      signInLogDetail: expect.stringMatching(/no Entra ID P1\/P2 licence/),
    });
  });
});
