/**
 * reloadRotationRow reads the rotation row with one raw statement (the engine's hottest read):
 * it must give exactly what the typed load gives — the same types (Date, enums as strings, JSON,
 * null), at every stage of a rotation's life.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { loadRotation, reloadRotationRow } from '@/lib/rotation/load-rotation';
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

describe('reloadRotationRow', () => {
  it('equals the typed load before, during and after the rotation runs', async () => {
    const f = await rotationFixture(gs);
    const ctx = createUseCaseContext({ actor: { id: null, label: 'test-admin' }, now: new Date() });
    const { id } = await startRotation(ctx, { connectorId: f.connector.id, toCertificateId: f.newCert.id });
    const deps = testRotationDeps(gs);
    const check = async () => {
      const typed = await loadRotation(id);
      expect(typed).not.toBeNull();
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
    // A row that is gone reloads as null.
    expect(await reloadRotationRow({ ...done, id: '00000000-0000-4000-8000-000000000000' })).toBeNull();
  });
});
