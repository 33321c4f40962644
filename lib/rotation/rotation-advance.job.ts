/** `rotation.advance`: run the next step of one rotation (queued in the transaction that needs it). */
import { z } from 'zod';
import { defineJob } from '@/lib/jobs/job-definition';

export const RotationAdvanceData = z.object({ rotationId: z.uuid() });

export const rotationAdvanceJob = defineJob<z.infer<typeof RotationAdvanceData>>({
  name: 'rotation.advance',
  // One waiting job per rotation (singletonKey = rotation id); a job still active after 10 min is
  // assumed dead and retried (its lock is gone with its process, so that is safe).
  queue: { policy: 'short', retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 600 },
  schema: RotationAdvanceData,
  async handle({ rotationId }) {
    const { advanceRotation } = await import('@/lib/rotation/advance-rotation');
    await advanceRotation(rotationId);
  },
});
