/**
 * An admin confirms that the vendor's service has switched to the new certificate (ADR 022): a
 * rotation waiting for the cutover stops waiting and removes the old key at once. Takes the
 * rotation's lock (never races a running look at the sign-in logs), records who confirmed in the
 * rotation's facts, writes a step row and the `rotation.cutover_confirmed` audit event, and queues
 * the rotation to run now — in one transaction.
 */
import { z } from 'zod';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import type { Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { recordAdminStep } from '@/lib/rotation/admin-step';
import { loadRotation } from '@/lib/rotation/load-rotation';
import { ROTATION_ADVANCE_QUEUE, enqueueAdvance } from '@/lib/rotation/rotation-advance-queue';
import { readFacts, type RotationFacts } from '@/lib/rotation/rotation-facts';
import { withRotationLease } from '@/lib/rotation/rotation-lease';
import type { UseCaseContext } from '@/lib/use-case';

export const ConfirmCutoverSchema = z.object({ rotationId: z.uuid() });
export type ConfirmCutoverInput = z.infer<typeof ConfirmCutoverSchema>;

/** How long a confirmation waits for a running look at the sign-in logs to finish. */
const CONFIRM_WAIT_MS = 10_000;

export async function confirmCutover(ctx: UseCaseContext, input: ConfirmCutoverInput) {
  const { rotationId } = ConfirmCutoverSchema.parse(input);
  const leased = await withRotationLease(
    rotationId,
    async () => {
      const r = await loadRotation(rotationId);
      if (!r) throw new RekeyError('NOT_FOUND', `Rotation ${rotationId} not found.`);
      if (ctx.principal) await requireTenantAccess(ctx.principal, r.connector.tenantId, 'operator');
      const facts = readFacts(r.facts);
      if (r.step !== 'await_cutover' || !(r.state === 'WAITING' || r.state === 'RUNNING') || !facts.cutover)
        throw new RekeyError(
          'CONFLICT',
          `Rotation ${r.id} of ${r.connector.displayName} is not waiting for the vendor’s cutover (it is ${r.state} at ${r.step.replace(/_/g, ' ')}).`,
          { state: r.state, step: r.step },
        );
      if (facts.cutover.confirmed)
        return { id: r.id, alreadyConfirmed: true as const, confirmedBy: facts.cutover.confirmed.by };
      const next: RotationFacts = {
        ...facts,
        cutover: { ...facts.cutover, confirmed: { at: ctx.now.toISOString(), by: ctx.actor.label } },
      };
      return ctx.db.$transaction(async (tx) => {
        await recordAdminStep(
          tx,
          r,
          { facts: next as Prisma.InputJsonValue, nextAttemptAt: null },
          {
            outcome: 'cutover_confirmed',
            message: `${ctx.actor.label} confirmed the vendor’s service uses the new certificate.`,
            at: ctx.now,
            detail: { waitingSince: facts.cutover?.since ?? null, deadline: facts.cutover?.until ?? null },
          },
        );
        await appendAuditEvent(
          tx,
          ctx.actor,
          {
            action: 'rotation.cutover_confirmed',
            targetType: 'rotation',
            targetId: r.id,
            tenantId: r.connector.tenantId,
            before: { state: r.state, step: r.step, waitingSince: facts.cutover?.since ?? null },
            after: { confirmedBy: ctx.actor.label, confirmedAt: ctx.now.toISOString() },
          },
          ctx.now,
        );
        await enqueueAdvance(tx, r.id, ctx.now);
        return { id: r.id, alreadyConfirmed: false as const, confirmedBy: ctx.actor.label };
      });
      // A look at the sign-in logs holds the lock for a moment (every REKEY_CUTOVER_RECHECK_SECONDS):
      // the admin's confirmation waits it out instead of being refused.
    },
    { waitMs: CONFIRM_WAIT_MS },
  );
  if (!leased.acquired)
    throw new RekeyError(
      'CONFLICT',
      `Rotation ${rotationId} is still busy in the tenant after ${CONFIRM_WAIT_MS / 1_000} seconds; try again in a minute.`,
    );
  notifyJobQueued(ROTATION_ADVANCE_QUEUE.name);
  return leased.value;
}
