/** `rotation.advance`: run the next steps of one rotation (queued in the transaction that needs it). */
import { db } from '@/lib/db';
import { defineJob } from '@/lib/jobs/job-definition';
import { advanceRotation } from '@/lib/rotation/advance-rotation';
import { DISPATCH_GROUP, StepGroup } from '@/lib/rotation/step-group';
import { BUSY_RECHECK_MS, ROTATION_ADVANCE_QUEUE, enqueueAdvance } from '@/lib/rotation/rotation-advance-queue';

const STEP_GROUP = 'rotation.step-group';

export const rotationAdvanceJob = defineJob({
  ...ROTATION_ADVANCE_QUEUE,
  // A campaign's backlog is fetched in groups, which advance together (step-group.ts).
  gather: DISPATCH_GROUP / 2,
  async handle({ rotationId }, { batch }) {
    // Rotations whose jobs were fetched together advance as a group (step-group.ts): their locks,
    // re-reads and single-statement commits go to the database together.
    const group = batch && batch.size > 1 ? batch.shared(STEP_GROUP, (running) => new StepGroup(running)) : undefined;
    const out = await advanceRotation(rotationId, undefined, { group });
    if (out.kind === 'busy') {
      // The holder queues what follows when it finishes — unless it was killed mid-run and its
      // lock is only now being released: check again shortly (a no-op if the holder finished).
      await db.$transaction((tx) => enqueueAdvance(tx, rotationId, new Date(Date.now() + BUSY_RECHECK_MS)));
    }
  },
});
