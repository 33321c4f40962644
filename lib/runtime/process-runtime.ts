/**
 * What every Rekey process does once before it runs use cases, and undoes when it ends. Three kinds
 * of process call it, each through one module:
 * - the CLI and `rekey worker`: openRuntime() (lib/runtime/open-runtime.ts), which also finds the
 *   configuration and connects;
 * - the web server: webRuntime() (lib/runtime/web-runtime.ts), on the first action, route or page;
 * - database tests: the setup file (lib/testing/db-setup.ts).
 *
 * Composition is the rotation engine's event subscribers (lib/events/rotation-subscribers.ts):
 * anything that can finish a rotation in this process — a step in the worker, a cancel with nothing
 * to undo from a web action or `rekey rotations cancel` — publishes to them (ADR 013).
 */
import { disconnectDb } from '@/lib/db';
import { registerRotationSubscribers } from '@/lib/events/rotation-subscribers';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';

/** Registers the rotation engine's subscribers in this process (idempotent). */
export function composeProcess(): void {
  registerRotationSubscribers();
}

/** Closes what use cases opened on demand in this process: pg-boss, the rotation lease pool, Prisma. Never throws. */
export async function releaseProcessResources(): Promise<void> {
  await closeJobQueues().catch(() => undefined);
  await closeLeasePool().catch(() => undefined);
  await disconnectDb().catch(() => undefined);
}
