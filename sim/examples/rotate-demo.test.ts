import { NO_REPLICATION_LAG } from '../directory/replication';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimHandle } from '../server';
import { startTestSim } from '../testing/start-test-sim';
import { runRotateDemo } from './rotate-demo';

let sim: SimHandle;
beforeAll(async () => {
  // The example reads back right after each write: no replication lag here.
  sim = await startTestSim({ replication: NO_REPLICATION_LAG });
});
afterAll(async () => {
  await sim.close();
});

describe('rotate-demo example', () => {
  it('adds a certificate, gets a token with it, removes it and is then refused with AADSTS700027', async () => {
    const lines: string[] = [];
    const result = await runRotateDemo(sim.manifest!, (l) => lines.push(l));
    expect(result.tokenWithNewCertificate).toBe(true);
    expect(result.refusedAfterRemoval).toContain('700027');
    // MSAL signs PS256 with x5t#S256, so the refusal names the SHA-256 thumbprint it presented.
    expect(result.refusedAfterRemoval).toContain(result.newThumbprintSha256);
    const app = sim.admin.getTenant(result.tenantId).appsByAppId.get(result.appId)!;
    expect(
      app.keyCredentials.some((k) => k.customKeyIdentifier?.toString('hex').toUpperCase() === result.newThumbprint),
    ).toBe(false);
    const signIns = sim.admin.listSignIns(result.tenantId, { appId: result.appId });
    expect(signIns[0]!.status.errorCode).toBe(700027);
    expect(signIns[1]!.servicePrincipalCredentialThumbprint).toBe(result.newThumbprint);
  });
});
