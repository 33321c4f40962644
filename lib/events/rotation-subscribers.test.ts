import { expect, it } from 'vitest';
import { registerRotationSubscribers } from '@/lib/events/rotation-subscribers';
import { createRotationEvents } from '@/lib/rotation/rotation-events';

it('wires detection, campaigns, invitations and notifications to the engine, in the order the engine relied on', () => {
  expect(registerRotationSubscribers(createRotationEvents()).describe()).toEqual({
    'connector.changed': ['detection.reclassify'],
    'rotation.finished': ['campaigns.record-outcome', 'invitations.record-outcome'],
    'rotation.needs_attention': ['campaigns.record-outcome', 'notifications.needs-attention'],
  });
});
