/** `rotation.sweep`: re-queue rotations that should be moving (scheduled every minute and at worker start). */
import { z } from 'zod';
import { defineJob } from '@/lib/jobs/job-definition';

export const rotationSweepJob = defineJob<Record<string, never>>({
  name: 'rotation.sweep',
  queue: { policy: 'short', retryLimit: 0, expireInSeconds: 300 },
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async handle() {
    const { sweepRotations } = await import('@/lib/rotation/sweep-rotations');
    await sweepRotations(new Date());
    // Customers' delegated tokens not carrying a rotation are deleted (ADR 027).
    const { sweepDelegatedTokens } = await import('@/lib/invitations/sweep-delegated-tokens');
    const { SYSTEM_ACTOR } = await import('@/lib/audit/append-audit-event');
    const { createUseCaseContext } = await import('@/lib/use-case-defaults');
    await sweepDelegatedTokens(
      createUseCaseContext({ actor: { ...SYSTEM_ACTOR, label: 'system (rotation.sweep)' }, now: new Date() }),
    );
  },
});
