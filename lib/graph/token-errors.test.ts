/**
 * Token-endpoint refusals that are not about consent or the certificate, produced by the simulator
 * (service principal disabled, Conditional Access for workload identities, a clock out of range)
 * and read through the real MSAL client: each names its cause and the fix.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RekeyError } from '@/lib/errors';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';

let gs: GraphSim;
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
});
afterAll(async () => {
  await gs?.close();
});
let clockShift = 0;
afterEach(() => {
  if (clockShift) gs.sim.admin.advanceClock(-clockShift);
  clockShift = 0;
});

async function tokenFailure(tenantId: string): Promise<RekeyError> {
  const err = await gs
    .newGraph()
    .gateway.token({ id: tenantId, name: 'Fabrikam' })
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(RekeyError);
  return err as RekeyError;
}

describe('token refusals through MSAL', () => {
  it('AADSTS7000112: the enterprise application is disabled — enable it, not a consent link', async () => {
    const t = gs.makeTenant({ name: 'Fabrikam' });
    gs.sim.admin.setServicePrincipalState(t.id, gs.manifest.managementApp.appId, { accountEnabled: false });
    const e = await tokenFailure(t.id);
    expect(e.code).toBe('GRAPH_ERROR');
    expect(e.details).toMatchObject({ aadsts: 7000112, reason: 'app_disabled' });
    expect(e.message).toMatch(/enterprise application is disabled in tenant Fabrikam .*consent link will not help/);
    expect(e.message).not.toMatch(/adminconsent/);
    gs.sim.admin.setServicePrincipalState(t.id, gs.manifest.managementApp.appId, { accountEnabled: true });
    await expect(gs.newGraph().gateway.token({ id: t.id, name: 'Fabrikam' })).resolves.toBeTruthy();
  });

  it('AADSTS53003: blocked by Conditional Access — says so, and the tenant logs the failed sign-in', async () => {
    const t = gs.makeTenant({ name: 'Fabrikam' });
    const appId = gs.manifest.managementApp.appId;
    gs.sim.admin.setServicePrincipalState(t.id, appId, { conditionalAccessBlock: 'Block workload identities' });
    const e = await tokenFailure(t.id);
    expect(e.code).toBe('GRAPH_ERROR');
    expect(e.details).toMatchObject({ aadsts: 53003, reason: 'conditional_access' });
    expect(e.message).toMatch(/A Conditional Access policy in tenant Fabrikam .*blocks Rekey's management app/);
    expect(gs.sim.admin.listSignIns(t.id, { appId })[0]).toMatchObject({ status: { errorCode: 53003 } });
  });

  it("AADSTS700024: the assertion is outside Entra's time range — the clock, not the certificate", async () => {
    const t = gs.makeTenant({ name: 'Fabrikam' });
    clockShift = 20 * 60_000; // Entra's clock 20 minutes ahead of Rekey's = Rekey's clock 20 minutes slow
    gs.sim.admin.advanceClock(clockShift);
    const e = await tokenFailure(t.id);
    expect(e.code).toBe('CONFIG');
    expect(e.details).toMatchObject({ aadsts: 700024, reason: 'clock_skew' });
    expect(e.message).toMatch(/clock is probably wrong.*certificate is not the problem/);
    expect(e.message).not.toMatch(/REKEY_MGMT_CERT_PATH/);
  });
});
