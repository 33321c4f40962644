/**
 * Fresh tokens when consent changes: roles are fixed in a token when it is issued, so a token
 * cached before the tenant granted a permission keeps failing until it expires — unless a 403
 * drops it (the gateway re-acquires once), or a consent check in any process bumps the tenant's
 * token generation, which every other process compares before using its cached token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { tenantRefOf } from '@/lib/graph/graph-gateway';
import { rolesOf } from '@/lib/graph/msal-options';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { addTenant } from '@/lib/tenants/add-tenant';
import { checkTenantConsent } from '@/lib/tenants/check-tenant-consent';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let gs: GraphSim;
const actor = { id: null, label: 'alice@rekey.test' };
beforeAll(async () => {
  gs = await startGraphSim();
});
afterAll(async () => {
  await gs?.close();
});

describe('fresh tokens', () => {
  it('a 403 drops the cached token and re-acquires once before reporting a permission problem', async () => {
    const t = gs.makeTenant({ name: 'Late Grant', roles: ['Organization.Read.All'] });
    const worker = gs.newGraph().gateway;
    // The worker's token is issued (and cached) before the permission is granted.
    expect(rolesOf(await worker.token(t.id))).toEqual(['Organization.Read.All']);
    const read = { method: 'GET', path: '/applications?$select=appId', operation: 'read the applications' } as const;
    await expect(worker.request(t.id, read)).rejects.toMatchObject({ code: 'PERMISSION_MISSING' });
    expect(worker.counters.tokenRefreshes).toBe(1);

    gs.sim.admin.grantAppRoles(t.id, gs.manifest.managementApp.appId, ['Application.Read.All']);
    const before = await worker.token(t.id);
    expect(rolesOf(before)).not.toContain('Application.Read.All'); // still the cached one
    await expect(worker.request(t.id, read)).resolves.toMatchObject({ value: expect.any(Array) });
    expect(worker.counters.tokenRefreshes).toBe(2);
    expect(rolesOf(await worker.token(t.id))).toContain('Application.Read.All');
  });

  it('a consent check in one process invalidates the tenant token another process holds', async () => {
    const t = gs.makeTenant({ name: 'Regranted', roles: ['Application.Read.All', 'Organization.Read.All'] });
    const web = createUseCaseContext({ actor, now: new Date(), graph: () => gs.graph });
    const row = await addTenant(web, { tenant: t.id, name: 'Regranted' });
    const worker = gs.newGraph().gateway;
    const refNow = async () => tenantRefOf(await db.tenant.findUniqueOrThrow({ where: { id: row.id } }));

    const stale = await worker.token(await refNow());
    expect(rolesOf(stale)).not.toContain('Application.ReadWrite.All');
    gs.sim.admin.grantAppRoles(t.id, gs.manifest.managementApp.appId, ['Application.ReadWrite.All']);
    // Without a consent check the worker keeps its token (nothing told it)…
    expect(await worker.token(await refNow())).toBe(stale);

    // …the web process checks consent: the generation moves and the worker's next use re-acquires.
    const before = (await db.tenant.findUniqueOrThrow({ where: { id: row.id } })).tokenGeneration;
    const check = await checkTenantConsent(web, { tenantId: row.id });
    expect(check.state).toBe('consented');
    expect(check.grantedRoles).toContain('Application.ReadWrite.All');
    expect(check.tokenIssuedAt).toBeInstanceOf(Date);
    const stored = await db.tenant.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.tokenGeneration).toBe(before + 1);
    expect(stored.tokenIssuedAt?.getTime()).toBe(check.tokenIssuedAt?.getTime());

    const fresh = await worker.token(await refNow());
    expect(fresh).not.toBe(stale);
    expect(rolesOf(fresh)).toContain('Application.ReadWrite.All');
    // and keeps using the fresh one while the generation stays.
    expect(await worker.token(await refNow())).toBe(fresh);
  });
});
