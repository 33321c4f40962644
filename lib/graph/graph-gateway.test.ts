import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGraphGateway, resourceCost } from '@/lib/graph/graph-gateway';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';

let gs: GraphSim;
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
});
afterAll(async () => {
  await gs?.close();
});

describe('resourceCost (documented identity costs)', () => {
  it.each([
    ['GET', '/applications', 2, 0],
    ['GET', '/applications?$select=id,appId', 1, 0],
    ['GET', '/applications/abc', 1, 0],
    ['GET', "/applications(appId='x')", 1, 0],
    ['GET', '/servicePrincipals/abc/appRoleAssignments', 2, 0],
    ['GET', '/applications?$expand=owners', 3, 0],
    ['PATCH', '/applications/abc', 1, 1],
    ['POST', '/applications/abc/addKey', 1, 1],
    ['POST', '/$batch', 0, 0],
  ] as const)('%s %s → %d RU, %d write', (method, path, ru, write) => {
    expect(resourceCost(method, path)).toEqual({ ru, write });
  });
});

describe('the client-side budget', () => {
  it('keeps sign-in log reads at 5 per 10 s per tenant, without touching other tenants', async () => {
    let now = 1_000_000;
    const sleeps: number[] = [];
    const gw = createGraphGateway({
      tokenProvider: gs.graph.gateway.tokenProvider,
      graphEndpoint: gs.sim.url,
      clock: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    });
    const t = gs.healthyTenant();
    const other = gs.manifest.tenants.find((x) => x.id !== t.id && x.managementConsent === 'granted')!;
    const read = (id: string) =>
      gw.request(id, {
        method: 'GET',
        path: '/auditLogs/signIns?$top=1',
        version: 'beta',
        operation: 'read sign-ins',
        report: true,
      });
    for (let i = 0; i < 12; i++) await read(t.id);
    expect(gw.counters.budgetWaits).toBe(7);
    expect(now - 1_000_000).toBeGreaterThanOrEqual(14_000);
    const before = gw.counters.budgetWaits;
    await read(other.id);
    expect(gw.counters.budgetWaits).toBe(before);
  });

  it('limits requests in flight per tenant', async () => {
    const gw = createGraphGateway({
      tokenProvider: gs.graph.gateway.tokenProvider,
      graphEndpoint: gs.sim.url,
      limits: { perTenantConcurrency: 2 },
    });
    const t = gs.healthyTenant();
    await gw.token(t.id);
    gs.sim.faults.latency(40);
    let inFlight = 0;
    let max = 0;
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', async (...args: Parameters<typeof fetch>) => {
      inFlight++;
      max = Math.max(max, inFlight);
      try {
        return await realFetch(...args);
      } finally {
        inFlight--;
      }
    });
    try {
      await Promise.all(
        Array.from({ length: 8 }, () => gw.request(t.id, { method: 'GET', path: '/organization', operation: 'read' })),
      );
    } finally {
      vi.unstubAllGlobals();
      gs.sim.faults.clear();
    }
    expect(max).toBe(2);
    expect(gw.counters.requests).toBe(8);
  });

  it('gets a fresh token once when Graph answers 401', async () => {
    const gw = createGraphGateway({ tokenProvider: gs.graph.gateway.tokenProvider, graphEndpoint: gs.sim.url });
    const t = gs.healthyTenant();
    gs.sim.faults.failNext(1, 401, { target: 'graph' });
    await expect(gw.request(t.id, { method: 'GET', path: '/organization', operation: 'read' })).resolves.toBeTruthy();
    expect(gw.counters.requests).toBe(2);
  });
});
