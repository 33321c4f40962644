import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimHandle } from '../server';
import type { FleetManifest } from '../seed/fleet-manifest';
import { certFromFiles, simMsal, simToken } from '../testing/sim-clients';
import { startTestSim } from '../testing/start-test-sim';
import { Replication } from './replication';

const LAG = 60_000;
let sim: SimHandle;
let manifest: FleetManifest;
let token: string;
let tenantId: string;

beforeAll(async () => {
  // A long, fixed lag and a shifted clock make each case deterministic.
  sim = await startTestSim({ replication: { enabled: true, minLagMs: LAG, maxLagMs: LAG, seed: 't' } });
  manifest = sim.manifest!;
  tenantId = manifest.tenants.find((t) => t.scenarios.length === 0)!.id;
  const m = manifest.managementApp;
  token = await simToken(
    simMsal(
      sim,
      tenantId,
      m.appId,
      certFromFiles(m.certificatePath, m.privateKeyPath, m.thumbprintSha1, m.thumbprintSha256),
    ),
  );
});
afterAll(async () => {
  await sim.close();
});

async function graph(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

describe('replication lag', () => {
  it('a just-created application is not found, its service principal cannot be created, until it replicates', async () => {
    const created = await graph('POST', '/applications', { displayName: 'Replication probe' });
    expect(created.status).toBe(201);
    const { id, appId } = created.body as { id: string; appId: string };
    expect((await graph('GET', `/applications/${id}`)).status).toBe(404);
    const list = await graph('GET', `/applications?$filter=appId eq '${appId}'`);
    expect(list.body!.value).toEqual([]);
    const sp = await graph('POST', '/servicePrincipals', { appId });
    expect(sp.status).toBe(400);
    expect(JSON.stringify(sp.body)).toContain('does not reference a valid application object');
    sim.admin.advanceClock(LAG + 1);
    expect((await graph('GET', `/applications/${id}`)).status).toBe(200);
    expect((await graph('POST', '/servicePrincipals', { appId })).status).toBe(201);
  });

  it('upsert on uniqueName creates once (201), then updates (204); the service principal upserts on appId', async () => {
    const path = `/applications(uniqueName='rekey-rotation-probe')`;
    const upsert = { Prefer: 'create-if-missing' };
    expect((await graph('PATCH', path, { displayName: 'Probe' })).status).toBe(404);
    const first = await graph('PATCH', path, { displayName: 'Probe' }, upsert);
    expect(first.status).toBe(201);
    expect(first.body!.uniqueName).toBe('rekey-rotation-probe');
    const again = await graph('PATCH', path, { displayName: 'Probe' }, upsert);
    expect(again.status).toBe(204);
    // Until it replicates, the alternate-key read 404s and the service principal upsert is refused.
    expect((await graph('GET', path)).status).toBe(404);
    const spPath = `/servicePrincipals(appId='${String(first.body!.appId)}')`;
    expect((await graph('PATCH', spPath, {}, upsert)).status).toBe(400);
    sim.admin.advanceClock(LAG + 1);
    expect((await graph('GET', path)).body!.id).toBe(first.body!.id);
    expect((await graph('PATCH', spPath, {}, upsert)).status).toBe(201);
    expect((await graph('PATCH', spPath, {}, upsert)).status).toBe(204);
    const tenant = sim.admin.getTenant(tenantId);
    expect([...tenant.applications.values()].filter((a) => a.uniqueName === 'rekey-rotation-probe')).toHaveLength(1);
  });

  it('a read right after a key change serves the old list', async () => {
    const c = manifest.tenants.find((t) => t.id === tenantId)!.connectors[0]!;
    const before = await graph('GET', `/applications/${c.applicationObjectId}?$select=keyCredentials`);
    const keys = (before.body!.keyCredentials as { keyId: string }[]).map((k) => ({ keyId: k.keyId }));
    expect(keys.length).toBeGreaterThan(0);
    expect((await graph('PATCH', `/applications/${c.applicationObjectId}`, { keyCredentials: [] })).status).toBe(204);
    const stale = await graph('GET', `/applications/${c.applicationObjectId}?$select=keyCredentials`);
    expect((stale.body!.keyCredentials as unknown[]).length).toBe(keys.length);
    sim.admin.advanceClock(LAG + 1);
    const fresh = await graph('GET', `/applications/${c.applicationObjectId}?$select=keyCredentials`);
    expect(fresh.body!.keyCredentials).toEqual([]);
  });
});

describe('Replication (unit)', () => {
  it('draws the same lags for the same seed and write sequence', () => {
    let now = 0;
    const draw = () => {
      now = 0;
      const r = new Replication({ enabled: true, minLagMs: 10, maxLagMs: 1000, seed: 's' }, () => now);
      const key = (id: string) => ({
        keyId: id,
        customKeyIdentifier: null,
        displayName: null,
        startDateTime: '',
        endDateTime: '',
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        key: null,
      });
      const out: boolean[] = [];
      for (let i = 0; i < 20; i++) r.recordWrite(`o${i}`, [], [key(`k${i}`)]);
      for (now = 0; now <= 1000; now += 50) for (let i = 0; i < 20; i++) out.push(r.keyUsable(`k${i}`));
      return out;
    };
    const a = draw();
    expect(draw()).toEqual(a);
    expect(a.includes(false) && a.includes(true)).toBe(true);
  });
});

describe('replication lag by default', () => {
  it('is on in the simulator (startSimulator, the test simulator) with the demo lags, as Entra replicates', async () => {
    const { DEFAULT_REPLICATION } = await import('../server');
    expect(DEFAULT_REPLICATION).toMatchObject({ enabled: true, minLagMs: 50, maxLagMs: 400 });
    const s = await startTestSim();
    try {
      expect(s.context.replication.config).toEqual(DEFAULT_REPLICATION);
    } finally {
      await s.close();
    }
  });

  it('is on in `npm run sim` unless --replication-lag-ms 0', async () => {
    const { parseReplicationArg } = await import('../server');
    expect(parseReplicationArg(undefined)).toMatchObject({ enabled: true, minLagMs: 50, maxLagMs: 400 });
    expect(parseReplicationArg('0')).toMatchObject({ enabled: false });
    expect(parseReplicationArg('10-20')).toMatchObject({ enabled: true, minLagMs: 10, maxLagMs: 20 });
    expect(() => parseReplicationArg('fast')).toThrow(/--replication-lag-ms/);
  });
});
