/**
 * What the rotation engine tells the rest of Rekey (docs/decisions/013). advance-rotation publishes
 * these INSIDE the transaction that commits a step, so whatever a subscriber writes (a campaign
 * item's outcome, the connector's new status, a queued notification) commits or rolls back with
 * the step: numbers on a page never lag the rotation. A subscriber may defer heavy work to a job
 * by enqueueing it on `tx` and waking the worker with `afterCommit`. `tx` has raw statements only
 * (`$queryRaw`, `$executeRaw` and their `Unsafe` forms: lib/db.ts directTransaction, ADR 038); a
 * typed call on it throws.
 *
 * The engine imports no subscriber: they register at composition (lib/events/rotation-subscribers.ts,
 * called by the worker and the test setup), so lib/rotation depends on nobody that depends on it.
 */
import type { Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';

export interface RotationRef {
  id: string;
  campaignId: string | null;
  connectorId: string;
  tenantId: string;
}

export type RotationEvent =
  /** Reached a terminal state (SUCCEEDED, FAILED, ROLLED_BACK, CANCELLED). */
  | { type: 'rotation.finished'; rotation: RotationRef; state: string; errorMessage: string | null }
  /** Committed in NEEDS_ATTENTION; `entered` when it was not there before this step. */
  | {
      type: 'rotation.needs_attention';
      rotation: RotationRef;
      entered: boolean;
      errorMessage: string | null;
    }
  /** The connector's credentials changed (a rotation succeeded): its status must be recomputed. */
  | { type: 'connector.changed'; connectorId: string; reason: string };

export type RotationEventType = RotationEvent['type'];

export interface PublishMeta {
  now: Date;
  /** Runs once the transaction committed (e.g. wake the local worker for a job queued on `tx`). */
  afterCommit(fn: () => void): void;
}

export type RotationSubscriber<T extends RotationEventType = RotationEventType> = (
  tx: Prisma.TransactionClient,
  event: Extract<RotationEvent, { type: T }>,
  meta: PublishMeta,
) => Promise<void>;

export interface RotationEvents {
  subscribe<T extends RotationEventType>(type: T, name: string, fn: RotationSubscriber<T>): void;
  publish(tx: Prisma.TransactionClient, event: RotationEvent, meta: PublishMeta): Promise<void>;
  /** Subscriber names per event type, in the order they run (for tests and the docs). */
  describe(): Record<string, string[]>;
}

export function createRotationEvents(): RotationEvents {
  const subs = new Map<RotationEventType, { name: string; fn: RotationSubscriber }[]>();
  return {
    subscribe(type, name, fn) {
      const list = subs.get(type) ?? [];
      if (list.some((s) => s.name === name)) return; // registering twice (a second composition) is a no-op
      list.push({ name, fn: fn as unknown as RotationSubscriber });
      subs.set(type, list);
    },
    async publish(tx, event, meta) {
      if (subs.size === 0)
        throw new RekeyError(
          'CONFIG',
          'The rotation engine has no event subscribers: the process must call registerRotationSubscribers() (lib/events/rotation-subscribers.ts) before running rotations.',
        );
      // In registration order, one after another: they share the transaction.
      for (const s of subs.get(event.type) ?? []) await s.fn(tx, event as never, meta);
    },
    describe() {
      return Object.fromEntries([...subs].map(([type, list]) => [type, list.map((s) => s.name)]));
    },
  };
}

/**
 * The process's registry. A module variable, not a globalThis singleton: it is filled by the
 * worker / test setup that also runs the rotations, in the same module graph.
 */
export const rotationEvents: RotationEvents = createRotationEvents();
