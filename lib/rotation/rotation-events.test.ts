import { describe, expect, it } from 'vitest';
import type { Prisma } from '@/lib/db';
import { createRotationEvents, type RotationEvent } from '@/lib/rotation/rotation-events';

const tx = {} as Prisma.TransactionClient;
const finished: RotationEvent = {
  type: 'rotation.finished',
  rotation: { id: 'r1', campaignId: null, connectorId: 'c1', tenantId: 't1' },
  state: 'SUCCEEDED',
  errorMessage: null,
};
const meta = (hooks: (() => void)[] = []) => ({
  now: new Date(0),
  afterCommit: (fn: () => void) => void hooks.push(fn),
});

describe('the rotation events registry', () => {
  it('refuses to publish when nothing subscribed, so a process that forgot the composition fails loudly', async () => {
    await expect(createRotationEvents().publish(tx, finished, meta())).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('runs the subscribers of the event, in registration order, and only those', async () => {
    const events = createRotationEvents();
    const seen: string[] = [];
    events.subscribe('rotation.finished', 'a', async (_tx, e) => void seen.push(`a:${e.state}`));
    events.subscribe('connector.changed', 'x', async () => void seen.push('x'));
    events.subscribe('rotation.finished', 'b', async (_tx, _e, m) => m.afterCommit(() => seen.push('b:after')));
    const hooks: (() => void)[] = [];
    await events.publish(tx, finished, meta(hooks));
    expect(seen).toEqual(['a:SUCCEEDED']);
    hooks.forEach((h) => h());
    expect(seen).toEqual(['a:SUCCEEDED', 'b:after']);
  });

  it('ignores a second registration under the same name', async () => {
    const events = createRotationEvents();
    let n = 0;
    for (let i = 0; i < 2; i++) events.subscribe('rotation.finished', 'once', async () => void n++);
    await events.publish(tx, finished, meta());
    expect(n).toBe(1);
    expect(events.describe()).toEqual({ 'rotation.finished': ['once'] });
  });
});
