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

const graphRoundTrips = (rs: Seen[]) => rs.filter((r) => /^\/(v1\.0|beta)\//.test(r.path));

describe('discovery round trips', () => {
  it('a discovery scan reads a tenant in two Graph round trips, whatever the number of connector types', async () => {
    const t = gs.makeTenant({ name: 'Round Trips' });
    gs.makeConnector(t.id, {
      displayName: 'Mailbox Archive Sync',
      certificates: [gs.certificate(gs.manifest.scenarios.compromisedCertificate).certificatePem],
    });
    gs.makeConnector(t.id, {
      displayName: 'Continuity Monitor',
      certificates: [gs.certificate(gs.manifest.scenarios.compromisedCertificate).certificatePem],
    });
    const row = await addTenant(ctx, { tenant: t.id, name: 'Round Trips' });
    await checkTenantConsent(ctx, { tenantId: row.id });
    const types = await db.connectorType.count();
    expect(types).toBeGreaterThan(1);
    const from = seen.length;
    const scan = await scanTenant(ctx, { tenantId: row.id });
    expect(scan.connectors).toBe(2);
    expect(scan.credentials).toBeGreaterThanOrEqual(2);
    const trips = graphRoundTrips(seen.slice(from));
    // Every type's applications and service principals in one $batch; every connector object's
    // keys, secrets and federated credentials in a second (a service principal a type did not list
    // would need a third, to find it by appId).
    expect(trips.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1.0/$batch', 'POST /v1.0/$batch']);
    // The batches carry what the per-type requests did: a list of applications and of service
    // principals per type, and each object's keyCredentials.
    const [lists, creds] = trips.map((r) => JSON.parse(r.body) as { requests: { url: string }[] });
    expect(lists!.requests.filter((q) => q.url.startsWith('/applications?'))).toHaveLength(types);
    expect(lists!.requests.filter((q) => q.url.startsWith('/servicePrincipals?'))).toHaveLength(types);
    expect(creds!.requests.some((q) => /\$select=id,keyCredentials$/.test(q.url))).toBe(true);
  });

  it("a consent check forgets only its own tenant's token: another tenant's is still reused", async () => {
    const a = gs.makeTenant({ name: 'Forget A' });
    const b = gs.makeTenant({ name: 'Forget B' });
    const rowA = await addTenant(ctx, { tenant: a.id, name: 'Forget A' });
    const rowB = await addTenant(ctx, { tenant: b.id, name: 'Forget B' });
    await checkTenantConsent(ctx, { tenantId: rowB.id });
    const from = seen.length;
    await checkTenantConsent(ctx, { tenantId: rowA.id });
    await scanTenant(ctx, { tenantId: rowB.id });
    const rs = seen.slice(from);
    expect(tokenRequests(rs, a.id)).toHaveLength(1);
    expect(tokenRequests(rs, b.id)).toHaveLength(0);
    expect(graphRoundTrips(rs).length).toBeGreaterThan(0);
  });
});
