/**
 * Who listens to the rotation engine (lib/rotation/rotation-events.ts), in one place — like
 * lib/jobs/all-jobs.ts for jobs. Registered once per process by its runtime
 * (lib/runtime/process-runtime.ts: openRuntime for the CLI and the worker, webRuntime for the web
 * server, the db-test setup). Subscribers of one event run in the order listed here, inside the
 * engine's transaction.
 */
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { recordCampaignOutcome } from '@/lib/campaigns/on-rotation-finished';
import { onInvitationRotationFinished } from '@/lib/invitations/on-invitation-rotation-finished';
import { reclassifyConnectorsInTransaction } from '@/lib/detection/reclassify-connectors';
import { notifyRotationNeedsAttention } from '@/lib/notifications/notify-rotation-needs-attention';
import { rotationEvents, type RotationEvents } from '@/lib/rotation/rotation-events';

export function registerRotationSubscribers(events: RotationEvents = rotationEvents): RotationEvents {
  // Detection: the connector's status follows what the rotation left in the tenant (fleet counts
  // are exact at commit).
  events.subscribe('connector.changed', 'detection.reclassify', async (tx, e, { now }) => {
    await reclassifyConnectorsInTransaction(
      tx,
      { connectorIds: [e.connectorId] },
      { now, actor: SYSTEM_ACTOR, reason: e.reason },
    );
  });
  // Campaigns: the item's outcome (campaign counts exact at commit) and the next dispatch.
  events.subscribe('rotation.finished', 'campaigns.record-outcome', recordCampaignOutcome);
  events.subscribe('rotation.needs_attention', 'campaigns.record-outcome', recordCampaignOutcome);
  // Invitations: an invitation's rotation records its outcome and deletes the customer's tokens (ADR 027).
  events.subscribe('rotation.finished', 'invitations.record-outcome', async (tx, e, { now }) => {
    await onInvitationRotationFinished(
      tx,
      { id: e.rotation.id, connectorId: e.rotation.connectorId, state: e.state, errorMessage: e.errorMessage },
      now,
    );
  });
  // Notifications: tell people once, when a rotation stops for a person (sent by a queued job).
  events.subscribe('rotation.needs_attention', 'notifications.needs-attention', async (tx, e, { now }) => {
    if (e.entered) await notifyRotationNeedsAttention(tx, e.rotation.id, now);
  });
  return events;
}
