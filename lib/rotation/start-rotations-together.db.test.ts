/**
 * Starting a campaign's rotations in one transaction writes what startRotation writes for each —
 * the rotation, its `rotation.started` event, its first job — or nothing at all, leaving every
 * input to startRotation; an input startRotation would refuse is left to it too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { setRotationDeps } from '@/lib/rotation/rotation-deps';
import { startRotation } from '@/lib/rotation/start-rotation';
import { startRotationsTogether } from '@/lib/rotation/start-rotations-together';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { insertRealCertificate, installInertRotationDeps, principal } from '@/lib/campaigns/testing/campaign-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const ctx = createUseCaseContext({ actor: { id: null, label: 'campaign:Together' }, now });

let target: { id: string; sha1Thumbprint: string };
let old: { id: string };
let connectorIds: string[] = [];

beforeAll(async () => {
  installInertRotationDeps(() => now);
  target = await insertRealCertificate(db, 'CN=Together 2027, O=Rekey Tests');
  old = await buildCertificate(db);
  const { id: typeId } = await buildConnectorType(db, 'Archive');
  const t = await buildTenant(db, {
    name: 'Together Ltd',
    connectors: [
      { status: 'compromised', typeId },
      { status: 'healthy', typeId },
      { status: 'compromised', typeId },
      { status: 'expiring', typeId },
    ],
  });
  connectorIds = t.connectors.map((c) => c.id);
  await db.connector.updateMany({ where: { id: { in: connectorIds } }, data: { currentCertificateId: old.id } });
});

afterAll(async () => {
  setRotationDeps(undefined);
  await closeJobQueues();
  await closeLeasePool();
});

async function cleanup() {
  await db.rotation.updateMany({
    where: { connectorId: { in: connectorIds }, state: { in: ['PENDING', 'RUNNING', 'WAITING'] } },
    data: { state: 'CANCELLED', finishedAt: now },
  });
}

const jobsOf = (rotationIds: string[]) =>
  db.$queryRaw<{ singleton_key: string; state: string; data: { rotationId: string } }[]>`
    SELECT singleton_key, state::text, data FROM pgboss.job WHERE name = 'rotation.advance' AND singleton_key = ANY(${rotationIds})`;

describe('startRotationsTogether', () => {
  it('writes for each what startRotation writes: the same row and facts, one started event, one first job', async () => {
    const input = (connectorId: string) => ({
      connectorId,
      toCertificateId: target.id,
      mode: 'rotate' as const,
      cutoverWaitHours: 24,
    });
    // The reference: one started alone.
    const alone = await startRotation(ctx, input(connectorIds[0]!));
    const linked: { index: number; rotationId: string }[] = [];
    const ids = await startRotationsTogether(ctx, [input(connectorIds[1]!), input(connectorIds[2]!)], async (tx, s) => {
      linked.push(...s);
      // The caller's statements are in the same transaction.
      const [n] = await tx.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "Rotation" WHERE id = ANY(${s.map((x) => x.rotationId)}::uuid[])`;
      expect(n!.n).toBe(2);
    });
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(linked).toEqual([
      { index: 0, rotationId: ids[0] },
      { index: 1, rotationId: ids[1] },
    ]);
    const pick = (r: Awaited<ReturnType<typeof db.rotation.findUniqueOrThrow>>) => ({
      mode: r.mode,
      state: r.state,
      step: r.step,
      fromCertificateId: r.fromCertificateId,
      toCertificateId: r.toCertificateId,
      actorLabel: r.actorLabel,
      actorId: r.actorId,
      campaignId: r.campaignId,
      createdAt: r.createdAt,
    });
    const reference = await db.rotation.findUniqueOrThrow({ where: { id: alone.id } });
    const together = await db.rotation.findMany({ where: { id: { in: ids as string[] } } });
    for (const r of together) expect(pick(r)).toEqual(pick(reference));
    // Facts as startRotation makes them, per connector status: the healthy (routine) one waits for
    // the cutover only when no campaign is named… here none is, so both wait, as the reference does.
    for (const r of together) expect(r.facts).toEqual(reference.facts);
    for (const r of together)
      expect(r.startStatus).toBe((await db.connector.findUniqueOrThrow({ where: { id: r.connectorId } })).status);

    const events = await db.auditEvent.findMany({
      where: { action: 'rotation.started', targetId: { in: [alone.id, ...(ids as string[])] } },
    });
    expect(events).toHaveLength(3);
    const refEvent = events.find((e) => e.targetId === alone.id)!;
    for (const e of events.filter((x) => x.targetId !== alone.id)) {
      expect(e.actorLabel).toBe(refEvent.actorLabel);
      expect(e.tenantId).toBe(refEvent.tenantId);
      expect({ ...(e.after as object), connectorId: null, connector: null }).toEqual({
        ...(refEvent.after as object),
        connectorId: null,
        connector: null,
      });
    }
    const jobs = await jobsOf(ids as string[]);
    expect(jobs.map((j) => [j.singleton_key, j.state, j.data.rotationId]).sort()).toEqual(
      (ids as string[]).map((id) => [id, 'created', id]).sort(),
    );
    await cleanup();
  });

  it('writes nothing when one connector already has an active rotation, leaving every input to startRotation', async () => {
    const busy = await startRotation(ctx, { connectorId: connectorIds[3]!, toCertificateId: target.id });
    const before = {
      rotations: await db.rotation.count(),
      events: await db.auditEvent.count(),
      jobs: (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pgboss.job`)[0]!.n,
    };
    const ids = await startRotationsTogether(
      ctx,
      [0, 1, 3].map((i) => ({ connectorId: connectorIds[i]!, toCertificateId: target.id })),
      async () => {
        throw new Error('not reached: the insert is refused first');
      },
    );
    expect(ids).toEqual([null, null, null]);
    expect({
      rotations: await db.rotation.count(),
      events: await db.auditEvent.count(),
      jobs: (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pgboss.job`)[0]!.n,
    }).toEqual(before);
    expect((await db.rotation.findUniqueOrThrow({ where: { id: busy.id } })).state).toBe('PENDING');
    await cleanup();
  });

  it('leaves to startRotation what it would refuse or does alone, and starts the rest', async () => {
    await db.connector.update({ where: { id: connectorIds[2]! }, data: { currentCertificateId: target.id } });
    const ids = await startRotationsTogether(ctx, [
      { connectorId: connectorIds[0]!, toCertificateId: target.id },
      // Already on the target: startRotation says so.
      { connectorId: connectorIds[2]!, toCertificateId: target.id },
      // No such certificate.
      { connectorId: connectorIds[3]!, toCertificateId: 'F'.repeat(40) },
      // Waiting for a cutover does not apply to re-establish.
      { connectorId: connectorIds[3]!, toCertificateId: target.id, mode: 'reestablish', cutoverWaitHours: 4 },
      { connectorId: connectorIds[1]!, toCertificateId: target.id, mode: 'reestablish' },
    ]);
    expect(ids.map((id) => id !== null)).toEqual([true, false, false, false, true]);
    await cleanup();
    await db.connector.update({ where: { id: connectorIds[2]! }, data: { currentCertificateId: old.id } });
    // A signed-in person is authorized per tenant by startRotation: nothing is started together.
    const scoped = createUseCaseContext({ actor: { id: null, label: 'x' }, now, principal: principal('admin') });
    expect(
      await startRotationsTogether(scoped, [
        { connectorId: connectorIds[0]!, toCertificateId: target.id },
        { connectorId: connectorIds[1]!, toCertificateId: target.id },
      ]),
    ).toEqual([null, null]);
  });
});
