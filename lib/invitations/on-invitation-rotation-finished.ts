/**
 * When a rotation started from an invitation ends, in the same transaction as its last step: the
 * invitation records ROTATED (and becomes single-use: `usedAt`) or FAILED, and the customer
 * admin's delegated tokens are deleted — in any end state (ADR 027). NEEDS_ATTENTION is not an
 * end: the rotation waits (e.g. for the admin to sign in again) and keeps them.
 */
import { appendAuditEvent, SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { randomUUID } from 'node:crypto';
import { utcTimestamp, type Prisma } from '@/lib/db';

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
  // Raw too: this runs inside the rotation engine's commit, which may be a direct transaction
  // (raw statements only, lib/db.ts directTransaction).
  const [deleted] = await tx.$queryRaw<{ n: number }[]>`
    WITH inv AS (
      UPDATE "Invitation" SET "state" = ${to}::"InvitationState", "stateDetail" = ${detail},
        "rotationId" = ${rotation.id}::uuid,
        "usedAt" = CASE WHEN ${to === 'ROTATED'} THEN ${utcTimestamp(now)} ELSE "usedAt" END,
        "updatedAt" = ${utcTimestamp(now)}
      WHERE "id" = ${inv.id}::uuid
      RETURNING "id"
    ), event AS (
      INSERT INTO "InvitationEvent" ("id", "invitationId", "state", "detail", "at")
      SELECT ${randomUUID()}::uuid, inv."id", ${to}::"InvitationState", ${detail}, ${utcTimestamp(now)} FROM inv
    ), tokens AS (
      DELETE FROM "DelegatedToken" WHERE "invitationId" = ${inv.id}::uuid RETURNING 1
    )
    SELECT (SELECT count(*) FROM tokens)::int AS "n"`;
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
        delegatedTokensDeleted: deleted?.n ?? 0,
        customerAdmin: inv.customerUpn,
      },
    },
    now,
  );
  return true;
}
