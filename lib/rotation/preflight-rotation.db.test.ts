/** The wizard's use cases against PostgreSQL and the in-process simulator: preflight and evidence. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { getRotationEvidence } from '@/lib/rotation/get-rotation-evidence';
import { preflightRotation } from '@/lib/rotation/preflight-rotation';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { rotationFixture, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let gs: GraphSim;
let deps: RotationDeps;
const ctx = () => createUseCaseContext({ actor: { id: null, label: 'wizard-user' }, now: new Date() });
const byName = (checks: { name: string; status: string; message: string }[]) =>
  Object.fromEntries(checks.map((c) => [c.name, c]));

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  deps = testRotationDeps(gs);
});
afterAll(async () => {
  await closeJobQueues();
  await closeLeasePool();
  await gs?.close();
});

describe('preflightRotation', () => {
  it('passes for a healthy, consented tenant and says addKey with proof is possible', async () => {
    const f = await rotationFixture(gs);
    const r = await preflightRotation({ connectorId: f.connector.id, toCertificateId: f.newCert.id }, ctx(), deps);
    const c = byName(r.checks);
    expect(r.ok).toBe(true);
    expect(c.consentAndPermissions?.status).toBe('pass');
    expect(c.connectionExists?.status).toBe('pass');
    expect(c.proofOfPossession).toMatchObject({ status: 'pass' });
    expect(c.nothingElseRotating?.status).toBe('pass');
  });

  it('warns that PATCH is needed when Rekey does not hold the current key', async () => {
    const f = await rotationFixture(gs, { holdOldKey: false });
    const c = byName(
      (await preflightRotation({ connectorId: f.connector.id, toCertificateId: f.newCert.id }, ctx(), deps)).checks,
    );
    expect(c.proofOfPossession?.status).toBe('warn');
    expect(c.proofOfPossession?.message).toMatch(/PATCH needed/);
  });

  it("fails when the tenant's app-management policy refuses the certificate's lifetime", async () => {
    const f = await rotationFixture(gs, { scenario: 'policy-restricted' });
    const r = await preflightRotation({ connectorId: f.connector.id, toCertificateId: f.newCert.id }, ctx(), deps);
    expect(r.ok).toBe(false);
    expect(byName(r.checks).appManagementPolicy).toMatchObject({ status: 'fail' });
    expect(byName(r.checks).appManagementPolicy?.message).toMatch(/at most P90D/);
  });

  it('fails when consent was revoked', async () => {
    const f = await rotationFixture(gs, { scenario: 'consent-revoked' });
    const r = await preflightRotation({ connectorId: f.connector.id, toCertificateId: f.newCert.id }, ctx(), deps);
    expect(r.ok).toBe(false);
    expect(byName(r.checks).consentAndPermissions?.status).toBe('fail');
  });

  it('fails while another rotation is active', async () => {
    const f = await rotationFixture(gs, { index: 1 });
    await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const r = await preflightRotation({ connectorId: f.connector.id, toCertificateId: f.newCert.id }, ctx(), deps);
    expect(byName(r.checks).nothingElseRotating).toMatchObject({ status: 'fail' });
  });
});

describe('getRotationEvidence', () => {
  it('summarises before/after credentials, steps with times, and who did what', async () => {
    const f = await rotationFixture(gs, { index: 2 });
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    for (let i = 0; i < 5; i++) await advanceRotation(rotation.id, deps);
    const e = await getRotationEvidence({}, rotation.id);
    expect(e.rotation).toMatchObject({ state: 'SUCCEEDED', plan: 'rotate', startedBy: 'wizard-user' });
    expect(e.from?.sha1).toBe(f.sim.oldSha1);
    expect(e.to.sha1).toBe(f.sim.newSha1);
    expect(e.facts.before?.app.map((c) => c.sha1)).toEqual([f.sim.oldSha1]);
    expect(e.facts.after?.app.map((c) => c.sha1)).toEqual([f.sim.newSha1]);
    expect(e.steps.map((s) => s.step)).toEqual(['preflight', 'add_new', 'verify_new', 'remove_old', 'verify_old_gone']);
    expect(e.audit.map((a) => `${a.actor}:${a.action}`)).toEqual([
      'wizard-user:rotation.started',
      'system:rotation.step.preflight',
      'system:rotation.step.add_new',
      'system:rotation.step.verify_new',
      'system:rotation.step.remove_old',
      'system:rotation.step.verify_old_gone',
      'system:rotation.succeeded',
    ]);
  });
});
