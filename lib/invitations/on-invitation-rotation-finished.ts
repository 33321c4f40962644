/**
 * When a rotation started from an invitation ends, in the same transaction as its last step: the
 * invitation records ROTATED (and becomes single-use: `usedAt`) or FAILED, and the customer
 * admin's delegated tokens are deleted — in any end state (ADR 027). NEEDS_ATTENTION is not an
 * end: the rotation waits (e.g. for the admin to sign in again) and keeps them.
 */
import { appendAuditEvent, SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import type { Prisma } from '@/lib/db';

const END: Record<string, 'ROTATED' | 'FAILED'> = {
  SUCCEEDED: 'ROTATED',
  FAILED: 'FAILED',
  ROLLED_BACK: 'FAILED',
  CANCELLED: 'FAILED',
};

export async function onInvitationRotationFinished(
  tx: Prisma.TransactionClient,
  rotation: { id: string; connectorId: string; state: string; errorMessage: string | null },
  now: Date,
): Promise<boolean> {
  const to = END[rotation.state];
  if (!to) return false;
  // Raw: every rotation's end asks, and almost every answer is "none" (a typed query costs
  // several times the CPU).
  const [inv] = await tx.$queryRaw<
    { id: string; state: string; tenantId: string | null; customerUpn: string | null }[]
  >`
    SELECT "id"::text, "state"::text, "tenantId"::text, "customerUpn" FROM "Invitation"
    WHERE "rotationId" = ${rotation.id}::uuid
       OR ("connectorId" = ${rotation.connectorId}::uuid AND "state" = 'ROTATING' AND "rotationId" IS NULL)
    LIMIT 1`;
  if (!inv) return false;
  const detail =
    to === 'FAILED' ? (rotation.errorMessage ?? `The rotation ended ${rotation.state.toLowerCase()}.`) : null;
  await tx.invitation.update({
    where: { id: inv.id },
    data: {
      state: to,
      stateDetail: detail,
      rotationId: rotation.id,
      ...(to === 'ROTATED' ? { usedAt: now } : {}),
      events: { create: { state: to, at: now, detail } },
    },
  });
  const deleted = await tx.delegatedToken.deleteMany({ where: { invitationId: inv.id } });
  await appendAuditEvent(
    tx,
    SYSTEM_ACTOR,
    {
      action: `invitation.${to.toLowerCase()}`,
      targetType: 'invitation',
      targetId: inv.id,
      tenantId: inv.tenantId,
      before: { state: inv.state },
      after: {
        state: to,
        rotationId: rotation.id,
        delegatedTokensDeleted: deleted.count,
        customerAdmin: inv.customerUpn,
      },
    },
    now,
  );
  return true;
}
