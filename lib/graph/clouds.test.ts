/**
 * REKEY_CLOUD=usgov-dod against a simulator that plays the US Government L5 (DoD) cloud
 * (login.microsoftonline.us, dod-graph.microsoft.us), reached through endpoint overrides: the
 * resource tokens are requested for follows the cloud (or REKEY_GRAPH_RESOURCE), not the endpoint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { RekeyError } from '@/lib/errors';
import { createGraphEnvironment } from '@/lib/graph/graph-environment';
import { getOrganization } from '@/lib/graph/get-organization';
import type { SimHandle } from '@/sim/server';
import { TEST_SIM_DIR, startTestSim } from '@/sim/testing/start-test-sim';

let sim: SimHandle;
let tlsDir: string;
beforeAll(async () => {
  // The shared test CA (trusted through NODE_EXTRA_CA_CERTS) issues this simulator's own server
  // certificate in a private directory, so the shared one is not rewritten under other test files.
  tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-dod-tls-'));
  for (const f of ['ca.pem', 'ca-key.pem']) fs.copyFileSync(path.join(TEST_SIM_DIR, f), path.join(tlsDir, f));
  sim = await startTestSim({
    tlsDir,
    loginHost: 'login.microsoftonline.us',
    graphHost: 'dod-graph.microsoft.us',
    throttling: false,
  });
});
afterAll(async () => {
  await sim?.close();
  fs.rmSync(tlsDir, { recursive: true, force: true });
});

function gatewayFor(vars: Record<string, string>) {
  const e = parseEnv({ REKEY_AUTHORITY_HOST: sim.url, REKEY_GRAPH_ENDPOINT: sim.url, ...vars });
  const m = sim.manifest!.managementApp;
  return createGraphEnvironment({
    clientId: m.appId,
    certificatePem: fs.readFileSync(m.certificatePath, 'utf8'),
    privateKeyPem: fs.readFileSync(m.privateKeyPath, 'utf8'),
    authorityHost: e.authorityHost,
    graphEndpoint: e.graphEndpoint,
    graphResource: e.graphResource,
    limits: { baseRetryDelayMs: 20, maxRetryDelayMs: 200 },
  }).gateway;
}

describe('US Government L5 (DoD)', () => {
  const tenant = () => {
    const t = sim.manifest!.tenants.find((x) => x.scenarios.length === 0)!;
    return { id: t.id, name: t.name };
  };

  it('REKEY_CLOUD=usgov-dod asks for dod-graph.microsoft.us tokens and Graph accepts them', async () => {
    const gw = gatewayFor({ REKEY_CLOUD: 'usgov-dod' });
    expect(gw.tokenProvider.graphResource).toBe('https://dod-graph.microsoft.us');
    await expect(getOrganization(gw, tenant())).resolves.toMatchObject({ id: tenant().id });
  });

  it("the L4 resource (REKEY_CLOUD=usgov) is refused by DoD's Graph: the audience does not match", async () => {
    const err = await getOrganization(gatewayFor({ REKEY_CLOUD: 'usgov' }), tenant()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RekeyError);
    expect((err as RekeyError).message).toMatch(/Invalid audience.*REKEY_CLOUD.*REKEY_GRAPH_RESOURCE/);
  });

  it('REKEY_GRAPH_RESOURCE sets the resource on its own', async () => {
    const gw = gatewayFor({ REKEY_CLOUD: 'usgov', REKEY_GRAPH_RESOURCE: 'https://dod-graph.microsoft.us' });
    await expect(getOrganization(gw, tenant())).resolves.toMatchObject({ id: tenant().id });
  });
});
