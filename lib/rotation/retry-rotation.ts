/** Runs the step a rotation stopped at (NEEDS_ATTENTION) again, now. */
import { applyAdminEvent } from '@/lib/rotation/cancel-rotation';
import type { UseCaseContext } from '@/lib/rotation/rotation-context';

export async function retryRotation(rotationId: string, ctx: UseCaseContext) {
  return applyAdminEvent(rotationId, { type: 'retry' }, ctx);
}
