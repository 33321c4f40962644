/**
 * Cancels a rotation where that is safe (machine.ts: CANCEL_RULES). Before anything was written
 * to the tenant it ends at once; once the new key may have been added, the rotation first removes
 * it again (cancel_remove_new) and then ends CANCELLED. Takes the rotation's lock so it never
 * races a running step.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import type { Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { recordAdminStep } from '@/lib/rotation/admin-step';
import { loadRotation, machineStateOf } from '@/lib/rotation/load-rotation';
import { transition, type MachineEvent } from '@/lib/rotation/machine';
import type { UseCaseContext } from '@/lib/use-case';
import { ROTATION_ADVANCE_QUEUE, enqueueAdvance } from '@/lib/rotation/rotation-advance-queue';
import { rotationEvents } from '@/lib/rotation/rotation-events';
import { withRotationLease } from '@/lib/rotation/rotation-lease';

/** Applies an admin event (cancel / retry) under the rotation's lock, in one transaction. */
export async function applyAdminEvent(
  rotationId: string,
  event: Extract<MachineEvent, { type: 'cancel' | 'retry' }>,
  ctx: UseCaseContext,
) {
  const afterCommit: (() => void)[] = [];
  const leased = await withRotationLease(rotationId, async () => {
    const r = await loadRotation(rotationId);
    if (!r) throw new RekeyError('NOT_FOUND', `Rotation ${rotationId} not found.`);
    if (ctx.principal) await requireTenantAccess(ctx.principal, r.connector.tenantId, 'operator');
    const result = transition(
      machineStateOf(r),
      event,
      ctx.now,
      undefined,
      r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
    );
    if (!result.ok)
      throw new RekeyError(
        'CONFLICT',
        `Cannot ${event.type} rotation ${r.id} of ${r.connector.displayName}: ${result.reason}`,
        { state: r.state, step: r.step },
      );
    return ctx.db.$transaction(async (tx) => {
      await recordAdminStep(
        tx,
        r,
        {
          state: result.state,
          step: result.step,
          attempts: result.attempts,
          nextAttemptAt: result.nextAttemptAt,
          errorCode: result.error?.code ?? null,
          errorMessage: result.error?.message ?? null,
          ...(result.effects.some((x) => x.type === 'mark_started') && !r.startedAt ? { startedAt: ctx.now } : {}),
          ...(result.effects.some((x) => x.type === 'mark_finished') ? { finishedAt: ctx.now } : {}),
        },
        {
          outcome: event.type === 'cancel' ? 'cancel_requested' : 'retry_requested',
          message: `${event.type === 'cancel' ? 'Cancel' : 'Retry'} requested by ${ctx.actor.label}.`,
          at: ctx.now,
          detail: { next: { state: result.state, step: result.step } },
        },
      );
      if (result.state === 'CANCELLED') {
        await rotationEvents.publish(
          tx as Prisma.TransactionClient,
          {
            type: 'rotation.finished',
            rotation: {
              id: r.id,
              campaignId: r.campaignId,
              connectorId: r.connectorId,
              tenantId: r.connector.tenantId,
            },
            state: 'CANCELLED',
            errorMessage: `Cancelled by ${ctx.actor.label}.`,
          },
          { now: ctx.now, afterCommit: (fn) => void afterCommit.push(fn) },
        );
      }
      await appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: `rotation.${event.type === 'cancel' ? 'cancel' : 'retry'}`,
          targetType: 'rotation',
          targetId: r.id,
          tenantId: r.connector.tenantId,
          before: { state: r.state, step: r.step },
          after: { state: result.state, step: result.step },
        },
        ctx.now,
      );
      for (const eff of result.effects)
        if (eff.type === 'enqueue_advance') await enqueueAdvance(tx as Prisma.TransactionClient, r.id, eff.runAt);
      return { id: r.id, state: result.state, step: result.step };
    });
  });
  if (!leased.acquired)
    throw new RekeyError(
      'CONFLICT',
      `A step of rotation ${rotationId} is running right now; try again in a few seconds.`,
    );
  notifyJobQueued(ROTATION_ADVANCE_QUEUE.name);
  for (const fn of afterCommit) fn();
  return leased.value;
}

export async function cancelRotation(ctx: UseCaseContext, rotationId: string) {
  return applyAdminEvent(rotationId, { type: 'cancel' }, ctx);
}
