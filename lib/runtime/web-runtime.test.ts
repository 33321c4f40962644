import { expect, it } from 'vitest';
import { rotationEvents } from '@/lib/rotation/rotation-events';
import { webRuntime } from '@/lib/runtime/web-runtime';

// A unit test (no db-test setup): the process registry starts empty, as in a fresh `next start`.
it('composes the web process on first use: the engine’s subscribers are registered once, before any action runs', () => {
  expect(rotationEvents.describe()).toEqual({});
  const first = webRuntime();
  const composed = {
    'connector.changed': ['detection.reclassify'],
    'rotation.finished': ['campaigns.record-outcome', 'invitations.record-outcome'],
    'rotation.needs_attention': ['campaigns.record-outcome', 'notifications.needs-attention'],
  };
  expect(rotationEvents.describe()).toEqual(composed);
  expect(webRuntime()).toBe(first);
  expect(rotationEvents.describe()).toEqual(composed);
});
