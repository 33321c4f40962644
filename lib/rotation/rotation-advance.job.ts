/** `rotation.advance`: run the next steps of one rotation (queued in the transaction that needs it). */
import { db } from '@/lib/db';
import { defineJob } from '@/lib/jobs/job-definition';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { BUSY_RECHECK_MS, ROTATION_ADVANCE_QUEUE, enqueueAdvance } from '@/lib/rotation/rotation-advance-queue';

export const rotationAdvanceJob = defineJob({
  ...ROTATION_ADVANCE_QUEUE,
  async handle({ rotationId }) {
    const out = await advanceRotation(rotationId);
    if (out.kind === 'busy') {
      // The holder queues what follows when it finishes — unless it was killed mid-run and its
      // lock is only now being released: check again shortly (a no-op if the holder finished).
      await db.$transaction((tx) => enqueueAdvance(tx, rotationId, new Date(Date.now() + BUSY_RECHECK_MS)));
    }
  },
});
