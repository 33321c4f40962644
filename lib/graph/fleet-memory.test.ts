/**
 * Memory that must not grow with the fleet: the gateway's per-tenant budget state and the token
 * provider's tokens (a campaign touches tens of thousands of tenants once each).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RekeyError } from '@/lib/errors';
import { createGraphGateway } from '@/lib/graph/graph-gateway';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { createTokenProvider, type TokenProvider } from '@/lib/graph/token-provider';

let gs: GraphSim;
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
});
afterAll(async () => {
  await gs?.close();
});

describe('the gateway forgets idle tenants', () => {
  it('drops budget state idle past the longest window, but never a tenant with a call in flight', async () => {
    let now = 5_000_000;
    const pending = new Map<string, (e: Error) => void>();
    const tokenProvider: TokenProvider = {
      clientId: 'x',
      authorityHost: 'https://login.invalid',
      graphResource: 'https://graph.microsoft.com',
      stats: { msalCalls: 0, cacheHits: 0, cached: 0 },
      consentUrl: () => '',
      forget: () => undefined,
      // Every call fails at once (not consented), except the "busy" tenant's, which hangs until released.
      getToken: (tenantId) =>
        tenantId === 'busy'
          ? new Promise<string>((_, reject) => pending.set(tenantId, reject))
          : Promise.reject(new RekeyError('NOT_CONSENTED', `not consented: ${tenantId}`)),
    };
    const gw = createGraphGateway({
      tokenProvider,
      graphEndpoint: 'https://graph.invalid',
      clock: () => now,
      sleep: async () => undefined,
    });
    const call = (id: string) =>
      gw.request(id, { method: 'GET', path: '/organization', operation: 'read' }).catch(() => undefined);
    const busy = call('busy');
    for (let i = 0; i < 1_199; i++) await call(`t${i}`);
    expect(gw.tenantStates).toBe(1_200);
    now += 181_000;
    for (let i = 1_199; i < 1_699; i++) await call(`t${i}`);
    // Pruned at the 1,500th new tenant: the 1,199 idle ones went, "busy" (in flight) stayed.
    expect(gw.tenantStates).toBe(501);
    pending.get('busy')!(new RekeyError('NOT_CONSENTED', 'released'));
    await busy;
  });
});

describe('the token provider keeps a bounded number of tokens', () => {
  it('drops the oldest token beyond its bound and fetches it again when asked', async () => {
    const m = gs.manifest.managementApp;
    const tp = createTokenProvider({
      clientId: m.appId,
      certificatePem: fs.readFileSync(m.certificatePath, 'utf8'),
      privateKeyPem: fs.readFileSync(m.privateKeyPath, 'utf8'),
      authorityHost: gs.sim.url,
      graphResource: 'https://graph.microsoft.com',
      maxCachedTokens: 2,
    });
    const consented = gs.manifest.tenants.filter((t) => t.managementConsent === 'granted').slice(0, 3);
    expect(consented).toHaveLength(3);
    for (const t of consented) await tp.getToken(t.id);
    expect(tp.stats).toMatchObject({ msalCalls: 3, cacheHits: 0, cached: 2 });
    await tp.getToken(consented[2]!.id);
    expect(tp.stats).toMatchObject({ msalCalls: 3, cacheHits: 1 });
    await tp.getToken(consented[0]!.id);
    expect(tp.stats).toMatchObject({ msalCalls: 4, cached: 2 });
  });
});
