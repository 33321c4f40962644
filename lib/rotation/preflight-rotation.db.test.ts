/** The wizard's use cases against PostgreSQL and the in-process simulator: preflight and evidence. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { getRotationEvidence } from '@/lib/rotation/get-rotation-evidence';
import { db } from '@/lib/db';
import { findArmingPreflight, markPreflightUsed, recordPreflight } from '@/lib/rotation/preflight-record';
import { preflightRotation } from '@/lib/rotation/preflight-rotation';
import {
  requireTrustedReplacement,
  untrustedReplacements,
  vaultHoldsMatchingKey,
} from '@/lib/rotation/preflight-trust';
import { generateKeyPairSync } from 'node:crypto';
import { sealForCertificate } from '@/lib/vault/key-ring';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { startArmedRotation } from '@/lib/rotation/start-armed-rotation';
import { rotationFixture, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let gs: GraphSim;
let deps: RotationDeps;
const ctx = () => createUseCaseContext({ actor: { id: null, label: 'wizard-user' }, now: new Date() });
const byName = (checks: { name: string; status: string; message: string; detail?: string }[]) =>
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
    const r = await preflightRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id }, deps);
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
      (await preflightRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id }, deps)).checks,
    );
    expect(c.proofOfPossession?.status).toBe('warn');
    expect(c.proofOfPossession?.message).toMatch(/rewrites the application’s list of certificates/);
    expect(c.proofOfPossession?.message).not.toMatch(/PATCH|keyCredentials/);
    expect(c.proofOfPossession?.detail).toMatch(/PATCH of keyCredentials/);
  });

  it("fails when the tenant's app-management policy refuses the certificate's lifetime", async () => {
    const f = await rotationFixture(gs, { scenario: 'policy-restricted' });
    const r = await preflightRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id }, deps);
    expect(r.ok).toBe(false);
    expect(byName(r.checks).appManagementPolicy).toMatchObject({ status: 'fail' });
    expect(byName(r.checks).appManagementPolicy?.message).toMatch(/at most P90D/);
  });

  it('fails when consent was revoked', async () => {
    const f = await rotationFixture(gs, { scenario: 'consent-revoked' });
    const r = await preflightRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id }, deps);
    expect(r.ok).toBe(false);
    expect(byName(r.checks).consentAndPermissions?.status).toBe('fail');
  });

  it('fails while another rotation is active', async () => {
    const f = await rotationFixture(gs, { index: 1 });
    await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const r = await preflightRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id }, deps);
    expect(byName(r.checks).nothingElseRotating).toMatchObject({ status: 'fail' });
  });
});

describe('only trustworthy replacements (issue 16 item 4)', () => {
  it('fails the preflight for a certificate some connector holds as an unknown credential', async () => {
    const f = await rotationFixture(gs, { index: 3 });
    const other = await rotationFixture(gs, { index: 4 });
    const before = await db.connector.findUniqueOrThrow({ where: { id: other.connector.id } });
    // The other connector's last scan saw this certificate, which Rekey does not expect there.
    await db.connector.update({
      where: { id: other.connector.id },
      data: {
        observedAt: new Date(),
        observedCredentials: [{ keyId: 'k1', thumbprint: f.newCert.sha1Thumbprint.toLowerCase(), on: 'application' }],
      },
    });
    try {
      const r = await preflightRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id }, deps);
      expect(r.ok).toBe(false);
      expect(byName(r.checks).trustworthyReplacement).toMatchObject({ status: 'fail' });
      expect(byName(r.checks).trustworthyReplacement?.message).toMatch(
        new RegExp(`unknown credential on ${other.connector.displayName}`),
      );
      const full = await db.certificate.findUniqueOrThrow({ where: { id: f.newCert.id } });
      expect((await untrustedReplacements(db, [full])).has(full.id)).toBe(true);
      await expect(requireTrustedReplacement(db, full.id)).rejects.toThrow(
        /cannot be a replacement: Rekey found it as an unknown credential/,
      );
    } finally {
      await db.connector.update({
        where: { id: other.connector.id },
        data: { observedAt: before.observedAt, observedCredentials: before.observedCredentials ?? [] },
      });
    }
  });

  it('says the vault holds a key only when it opens and matches the certificate', async () => {
    const f = await rotationFixture(gs, { index: 5 });
    const cert = await db.certificate.findUniqueOrThrow({ where: { id: f.newCert.id } });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await db.certificate.update({
      where: { id: cert.id },
      data: { sealedPrivateKey: sealForCertificate(String(other), cert.sha256Thumbprint) },
    });
    expect(await vaultHoldsMatchingKey(db, cert.id)).toBe(false);
    await db.certificate.update({ where: { id: cert.id }, data: { sealedPrivateKey: null } });
    expect(await vaultHoldsMatchingKey(db, cert.id)).toBe(false);
  });
});

describe('the wizard’s stored preflight (ADR 020)', () => {
  it('arms Confirm only for a passing, fresh, unused preflight of the same connector, certificate, mode and user', async () => {
    const f = await rotationFixture(gs, { index: 6 });
    const user = '11111111-1111-4111-8111-111111111111';
    const key = { connectorId: f.connector.id, certificateId: f.newCert.id, mode: 'rotate' as const, recreate: false };
    const now = new Date();
    const pass = await recordPreflight(db, key, { ok: true, checks: [] }, user, now);
    const failed = await recordPreflight(db, key, { ok: false, checks: [] }, user, now);
    expect(await findArmingPreflight(db, pass, key, user, now)).toMatchObject({ status: 'armed', id: pass });
    expect(await findArmingPreflight(db, failed, key, user, now)).toMatchObject({ status: 'failed' });
    expect(await findArmingPreflight(db, pass, { ...key, mode: 'reestablish' }, user, now)).toMatchObject({
      status: 'mismatch',
    });
    expect(await findArmingPreflight(db, pass, key, '22222222-2222-4222-8222-222222222222', now)).toMatchObject({
      status: 'missing',
    });
    expect(await findArmingPreflight(db, pass, key, user, new Date(now.getTime() + 16 * 60_000))).toMatchObject({
      status: 'stale',
    });
    expect(await findArmingPreflight(db, undefined, key, user, now)).toMatchObject({ status: 'missing' });
    const rotationId = '33333333-3333-4333-8333-333333333333';
    expect(await markPreflightUsed(db, pass, rotationId)).toBe(true);
    expect(await markPreflightUsed(db, pass, rotationId)).toBe(false);
    expect(await findArmingPreflight(db, pass, key, user, now)).toEqual({ status: 'used', rotationId });
  });

  it('starts a rotation only from an armed preflight of a trusted certificate, once (startArmedRotation)', async () => {
    const f = await rotationFixture(gs, { index: 7 });
    const key = { connectorId: f.connector.id, certificateId: f.newCert.id, mode: 'rotate' as const, recreate: false };
    const now = new Date();
    const failed = await recordPreflight(db, key, { ok: false, checks: [] }, null, now);
    await expect(startArmedRotation(ctx(), { ...key, preflightId: failed })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('did not pass'),
    });
    expect(await db.rotation.count({ where: { connectorId: f.connector.id } })).toBe(0);

    const pass = await recordPreflight(db, key, { ok: true, checks: [] }, null, now);
    const rotation = await startArmedRotation(ctx(), { ...key, preflightId: pass });
    expect(await db.rotationPreflight.findUnique({ where: { id: pass } })).toMatchObject({ rotationId: rotation.id });
    await expect(startArmedRotation(ctx(), { ...key, preflightId: pass })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`already started rotation ${rotation.id}`),
    });
    expect(await db.rotation.count({ where: { connectorId: f.connector.id } })).toBe(1);
    // Leave nothing running for the other tests' fixtures.
    await db.rotation.updateMany({ where: { id: rotation.id }, data: { state: 'CANCELLED', finishedAt: new Date() } });
  });
});

describe('getRotationEvidence', () => {
  it('summarises before/after credentials, steps with times, and who did what', async () => {
    const f = await rotationFixture(gs, { index: 2 });
    const rotation = await startRotation(ctx(), { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    // The simulator replicates writes with a lag: a step may be retried after a stale read, so this
    // advances until the rotation stops and checks the plan (each step once, in order), not a count.
    for (let i = 0; i < 60; i++) {
      const r = await advanceRotation(rotation.id, deps);
      if (r.kind === 'idle') break;
      if (r.kind === 'not_due') await new Promise((res) => setTimeout(res, Math.max(1, r.at.getTime() - Date.now())));
    }
    const e = await getRotationEvidence(ctx(), { rotationId: rotation.id });
    const once = (xs: string[]) => [...new Set(xs)];
    expect(e.rotation).toMatchObject({ state: 'SUCCEEDED', plan: 'rotate', startedBy: 'wizard-user' });
    expect(e.from?.sha1).toBe(f.sim.oldSha1);
    expect(e.to.sha1).toBe(f.sim.newSha1);
    expect(e.facts.before?.app.map((c) => c.sha1)).toEqual([f.sim.oldSha1]);
    expect(e.facts.after?.app.map((c) => c.sha1)).toEqual([f.sim.newSha1]);
    expect(once(e.steps.map((s) => s.step))).toEqual([
      'preflight',
      'add_new',
      'verify_new',
      'remove_old',
      'verify_old_gone',
    ]);
    expect(once(e.audit.map((a) => `${a.actor}:${a.action}`))).toEqual([
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
