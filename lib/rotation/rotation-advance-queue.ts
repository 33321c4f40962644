/**
 * The `rotation.advance` queue: its name, options and data, and how a transaction queues the next
 * run of a rotation. Separate from the job's handler (rotation-advance.job.ts, which runs
 * advance-rotation) so the engine can queue its own follow-ups without importing its runner.
 */
import { z } from 'zod';
import type { Prisma } from '@/lib/db';
import { enqueue, enqueueMany } from '@/lib/jobs/enqueue';
import type { JobQueue } from '@/lib/jobs/job-definition';

export const RotationAdvanceData = z.object({ rotationId: z.uuid() });

/** When another process holds the rotation, look again this much later (it may have just died). */
export const BUSY_RECHECK_MS = 3_000;

export const ROTATION_ADVANCE_QUEUE: JobQueue<z.infer<typeof RotationAdvanceData>> = {
  name: 'rotation.advance',
  // One waiting job per rotation (singletonKey = rotation id); a job still active after 10 min is
  // assumed dead and retried (its lock is gone with its process, so that is safe).
  queue: { policy: 'short', retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 600 },
  schema: RotationAdvanceData,
};

/**
 * Queue the next run of a rotation inside `tx` (one waiting per rotation): at `runAt` (default
 * now), or sooner when a run already waits for later — a rotation waiting for the cutover has its
 * next look queued minutes ahead, and a confirmation, a cancellation or a retry must not wait for it.
 */
export async function enqueueAdvance(tx: Prisma.TransactionClient, rotationId: string, runAt?: Date): Promise<void> {
  await enqueue(
    tx,
    ROTATION_ADVANCE_QUEUE,
    { rotationId },
    { singletonKey: rotationId, sooner: true, ...(runAt ? { startAfter: runAt } : {}) },
  );
}

/** The first runs of rotations just inserted in `tx`, one statement for all of them. */
export async function enqueueAdvanceMany(tx: Prisma.TransactionClient, rotationIds: string[]): Promise<void> {
  await enqueueMany(
    tx,
    ROTATION_ADVANCE_QUEUE,
    rotationIds.map((rotationId) => ({ data: { rotationId }, singletonKey: rotationId })),
  );
}
