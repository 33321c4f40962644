/**
 * loadRotation (one raw statement with its joins) and reloadRotationRow (the row alone) are the
 * engine's hottest reads: they must give exactly what the typed Prisma load gives — the same types
 * (Date, bytes, enums as strings, JSON, null), at every stage of a rotation's life, with and
 * without a current certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { db } from '@/lib/db';
import { loadRotation, reloadRotationRow, rotationInclude } from '@/lib/rotation/load-rotation';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { startRotation } from '@/lib/rotation/start-rotation';
import { rotationFixture, testRotationDeps } from '@/lib/rotation/testing/rotation-fixture';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let gs: GraphSim;
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
});
afterAll(async () => {
  await gs?.close();
  await closeJobQueues();
  await closeLeasePool();
});

const typedLoad = (id: string) => db.rotation.findUnique({ where: { id }, include: rotationInclude });

describe('loadRotation and reloadRotationRow', () => {
  it('equal the typed load before, during and after the rotation runs', async () => {
    const f = await rotationFixture(gs);
    const ctx = createUseCaseContext({ actor: { id: null, label: 'test-admin' }, now: new Date() });
    const started = await startRotation(ctx, { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const id = started.id;
    // startRotation's raw insert returns the row as a typed query reads it.
    expect(started).toEqual(await db.rotation.findUnique({ where: { id } }));
    const deps = testRotationDeps(gs);
    const check = async () => {
      const typed = await typedLoad(id);
      expect(typed).not.toBeNull();
      const raw = await loadRotation(id);
      expect(raw).toEqual(typed);
      expect(raw!.toCertificate.sealedPrivateKey).toMatch(/\S/);
      expect(raw!.fromCertificate).not.toBeNull();
      expect(await reloadRotationRow(typed!)).toEqual(typed);
      return typed!;
    };
    const pending = await check();
    expect(pending.startedAt).toBeNull();
    await advanceRotation(id, deps, { maxSteps: 2 });
    const running = await check();
    expect(running.startedAt).toBeInstanceOf(Date);
    for (let i = 0; i < 20 && !['SUCCEEDED', 'FAILED'].includes((await check()).state); i++) {
      const out = await advanceRotation(id, deps);
      if (out.kind === 'not_due') await new Promise((r) => setTimeout(r, Math.max(1, out.at.getTime() - Date.now())));
    }
    const done = await check();
    expect(done.state).toBe('SUCCEEDED');
    expect(done.finishedAt).toBeInstanceOf(Date);
    // A row that is gone loads and reloads as null.
    expect(await loadRotation('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await reloadRotationRow({ ...done, id: '00000000-0000-4000-8000-000000000000' })).toBeNull();
  });

  it('equals the typed load for a connector without a current certificate', async () => {
    const f = await rotationFixture(gs);
    await db.connector.update({ where: { id: f.connector.id }, data: { currentCertificateId: null } });
    const ctx = createUseCaseContext({ actor: { id: null, label: 'test-admin' }, now: new Date() });
    // A delegated start (its steps act as the admin): the step actor is stored as given.
    const started = await startRotation(
      { ...ctx, actor: { id: null, label: 'admin@customer.example', clientIp: '203.0.113.9' } },
      { connectorId: f.connector.id, toCertificateId: f.newCert.id, delegated: true },
    );
    expect(started).toEqual(await db.rotation.findUnique({ where: { id: started.id } }));
    expect(started.stepActor).toEqual({ label: 'admin@customer.example', clientIp: '203.0.113.9' });
    const id = started.id;
    const raw = await loadRotation(id);
    expect(raw!.fromCertificate).toBeNull();
    expect(raw).toEqual(await typedLoad(id));
  });
});
