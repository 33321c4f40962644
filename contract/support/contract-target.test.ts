/**
 * The contract suite's real-tenant mode, driven against an in-process simulator as if it were a
 * tenant (no Microsoft tenant is reachable here): the settings it refuses to start without, the
 * typed confirmation, and that what it creates through Graph is gone after `close()`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { buildCert } from '@/lib/testing/certs';
import { openContractTarget, TEST_APP_PREFIX } from './contract-target';

const KEYS = [
  'REKEY_CONTRACT_TENANT',
  'REKEY_CONTRACT_CLIENT_ID',
  'REKEY_CONTRACT_CERT_PATH',
  'REKEY_CONTRACT_KEY_PATH',
  'REKEY_CONTRACT_CONFIRM',
  'REKEY_AUTHORITY_HOST',
  'REKEY_GRAPH_ENDPOINT',
] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
let gs: GraphSim;

beforeAll(async () => {
  gs = await startGraphSim();
});
afterAll(async () => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await gs?.close();
});

function setTenantEnv(tenantId: string, extra: Partial<Record<(typeof KEYS)[number], string>> = {}) {
  for (const k of KEYS) delete process.env[k];
  const m = gs.manifest.managementApp;
  Object.assign(process.env, {
    REKEY_CONTRACT_TENANT: tenantId,
    REKEY_CONTRACT_CLIENT_ID: m.appId,
    REKEY_CONTRACT_CERT_PATH: m.certificatePath,
    REKEY_CONTRACT_KEY_PATH: m.privateKeyPath,
    REKEY_AUTHORITY_HOST: gs.sim.url,
    REKEY_GRAPH_ENDPOINT: gs.sim.url,
    ...extra,
  });
}

describe('the contract suite against a real tenant', () => {
  it('refuses to start without the contract client, naming what is missing', async () => {
    const t = gs.makeTenant({ name: 'Contract settings' });
    setTenantEnv(t.id);
    delete process.env.REKEY_CONTRACT_CLIENT_ID;
    delete process.env.REKEY_CONTRACT_KEY_PATH;
    await expect(openContractTarget()).rejects.toThrow(
      /also set REKEY_CONTRACT_CLIENT_ID, REKEY_CONTRACT_KEY_PATH \(the contract client's/,
    );
  });

  it('says what it will do and stops until REKEY_CONTRACT_CONFIRM names the tenant', async () => {
    const t = gs.makeTenant({ name: 'Contract confirm' });
    setTenantEnv(t.id, { REKEY_CONTRACT_CONFIRM: 'yes' });
    await expect(openContractTarget()).rejects.toThrow(
      new RegExp(`creates applications named ${TEST_APP_PREFIX}\\*.*set REKEY_CONTRACT_CONFIRM=${t.id}\\.$`),
    );
  });

  it('creates its applications through Graph in that tenant only, and deletes them when it closes', async () => {
    const t = gs.makeTenant({ name: 'Contract cleanup' });
    setTenantEnv(t.id, { REKEY_CONTRACT_CONFIRM: t.id });
    const target = await openContractTarget();
    expect(target.kind).toBe('tenant');
    expect(target.sim).toBeNull();
    const tenant = target.tenant('anything');
    expect(tenant.id).toBe(t.id);
    const cert = buildCert({
      subject: 'CN=contract-cleanup',
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 30 * 86_400_000),
      slot: 950,
    });
    const app = await tenant.createApp('cleanup', [cert]);
    const names = () => [...gs.sim.admin.getTenant(t.id).applications.values()].map((a) => a.displayName);
    expect(names().filter((n) => n.startsWith(TEST_APP_PREFIX))).toEqual([
      expect.stringMatching(/^rekey-contract-cleanup-/),
    ]);
    const token = await tenant.eventually(
      'a token as the new application',
      () => tenant.tokenAs(app, cert),
      (r) => r.ok,
    );
    expect(token.ok).toBe(true);
    await target.close();
    await tenant.eventually(
      'the application gone',
      async () => names().filter((n) => n.startsWith(TEST_APP_PREFIX)),
      (left) => left.length === 0,
    );
  });
});
