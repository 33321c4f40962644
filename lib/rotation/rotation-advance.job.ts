/** `rotation.advance`: run the next steps of one rotation (queued in the transaction that needs it). */
import { z } from 'zod';
import { defineJob } from '@/lib/jobs/job-definition';

export const RotationAdvanceData = z.object({ rotationId: z.uuid() });

/** When another process holds the rotation, look again this much later (it may have just died). */
export const BUSY_RECHECK_MS = 3_000;

export const rotationAdvanceJob = defineJob<z.infer<typeof RotationAdvanceData>>({
  name: 'rotation.advance',
  // One waiting job per rotation (singletonKey = rotation id); a job still active after 10 min is
  // assumed dead and retried (its lock is gone with its process, so that is safe).
  queue: { policy: 'short', retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 600 },
  schema: RotationAdvanceData,
  async handle({ rotationId }) {
    const { advanceRotation, enqueueAdvance } = await import('@/lib/rotation/advance-rotation');
    const out = await advanceRotation(rotationId);
    if (out.kind === 'busy') {
      // The holder queues what follows when it finishes — unless it was killed mid-run and its
      // lock is only now being released: check again shortly (a no-op if the holder finished).
      const { db } = await import('@/lib/db');
      await db.$transaction((tx) => enqueueAdvance(tx, rotationId, new Date(Date.now() + BUSY_RECHECK_MS)));
    }
  },
});
