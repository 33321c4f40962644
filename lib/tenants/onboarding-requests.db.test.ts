/**
 * What onboarding asks Microsoft for, counted at the simulator's request log: a consent check reads
 * no sign-in logs (Microsoft limits those per app across all tenants — far below a fleet's consent
 * checks; the sign-in scan reads them later), and a tenant's consent check and discovery scan share
 * one token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { addTenant } from '@/lib/tenants/add-tenant';
import { checkTenantConsent } from '@/lib/tenants/check-tenant-consent';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import { scanSignIns } from '@/lib/detection/scan-sign-ins';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import type { UseCaseContext } from '@/lib/use-case';

interface Seen {
  method: string;
  path: string;
  status: number;
  body: string;
}
const seen: Seen[] = [];
let gs: GraphSim;
let ctx: UseCaseContext;
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false, onRequest: (r) => seen.push(r) });
  ctx = createUseCaseContext({ actor: { id: null, label: 'onboarding test' }, now: new Date(), graph: () => gs.graph });
  await seedDefaults(db); // the connector types discovery looks for
});
afterAll(async () => {
  await gs?.close();
});

const signInReads = (rs: Seen[]) =>
  rs.filter((r) => /auditLogs\/signIns/i.test(r.path) || /auditLogs\/signIns/i.test(r.body));
const tokenRequests = (rs: Seen[], entraTenantId: string) =>
  rs.filter(
    (r) => r.method === 'POST' && new RegExp(`^/${entraTenantId}/oauth2/(v2\\.0/)?token(\\?.*)?$`, 'i').test(r.path),
  );

describe('onboarding requests at the simulator', () => {
  it('a consent check reads no sign-in logs; its token is the discovery scan’s too', async () => {
    const t = gs.healthyTenant();
    const row = await addTenant(ctx, { tenant: t.id, name: t.name });
    const from = seen.length;

    const consent = await checkTenantConsent(ctx, { tenantId: row.id });
    expect(consent.state).toBe('consented');
    const afterCheck = seen.slice(from);
    expect(afterCheck.length).toBeGreaterThan(0); // the log sees the check (token, /organization)
    expect(afterCheck.some((r) => /\/organization/.test(r.path))).toBe(true);
    expect(signInReads(afterCheck)).toEqual([]);
    expect(tokenRequests(afterCheck, t.id)).toHaveLength(1);

    const scan = await scanTenant(ctx, { tenantId: row.id });
    expect(scan.connectors).toBeGreaterThan(0);
    const onboarding = seen.slice(from);
    expect(signInReads(onboarding)).toEqual([]);
    // One token for the tenant across its check and its scan (the scan's Graph calls reuse it).
    expect(tokenRequests(onboarding, t.id)).toHaveLength(1);
    const scanOnly = onboarding.slice(afterCheck.length);
    expect(scanOnly.filter((r) => /^\/(v1\.0|beta)\//.test(r.path)).length).toBeGreaterThan(0);

    // The sign-in scan is where the logs are read — and it still needs no new token.
    const before = seen.length;
    await scanSignIns(ctx, { tenantIds: [row.id] });
    const signIn = seen.slice(before);
    expect(signInReads(signIn).length).toBeGreaterThan(0);
    expect(tokenRequests(signIn, t.id)).toHaveLength(0);
  });

  it('a second consent check asks for a fresh token (consent may have changed), and only one', async () => {
    const t = gs.makeTenant({ name: 'Checked Twice' });
    const row = await addTenant(ctx, { tenant: t.id, name: 'Checked Twice' });
    const from = seen.length;
    await checkTenantConsent(ctx, { tenantId: row.id });
    await checkTenantConsent(ctx, { tenantId: row.id });
    const rs = seen.slice(from);
    expect(tokenRequests(rs, t.id)).toHaveLength(2);
    expect(signInReads(rs)).toEqual([]);
  });
});
