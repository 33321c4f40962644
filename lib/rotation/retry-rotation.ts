/** Runs the step a rotation stopped at (NEEDS_ATTENTION) again, now. */
import { applyAdminEvent } from '@/lib/rotation/cancel-rotation';
import type { UseCaseContext } from '@/lib/use-case';

export async function retryRotation(ctx: UseCaseContext, rotationId: string) {
  return applyAdminEvent(rotationId, { type: 'retry' }, ctx);
}
