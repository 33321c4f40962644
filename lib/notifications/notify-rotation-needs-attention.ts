/**
 * For the rotation engine: call inside the transaction that moves a rotation to NEEDS_ATTENTION.
 * Loads the names a person needs and records the notification (see notify.ts).
 */
import type { Prisma } from '@/lib/db';
import { notify } from '@/lib/notifications/notify';

export async function notifyRotationNeedsAttention(
  tx: Prisma.TransactionClient,
  rotationId: string,
  now: Date = new Date(),
) {
  // Raw: this runs inside the rotation engine's commit (a direct transaction: raw statements only).
  const [r] = await tx.$queryRaw<
    { id: string; campaignId: string | null; errorMessage: string | null; connectorName: string; tenantName: string }[]
  >`
    SELECT r."id"::text, r."campaignId"::text, r."errorMessage", c."displayName" AS "connectorName",
           t."displayName" AS "tenantName"
    FROM "Rotation" r JOIN "Connector" c ON c."id" = r."connectorId" JOIN "Tenant" t ON t."id" = c."tenantId"
    WHERE r."id" = ${rotationId}::uuid`;
  if (!r) return [];
  return notify(
    tx,
    {
      kind: 'rotation.needs_attention',
      rotationId: r.id,
      campaignId: r.campaignId,
      connectorName: r.connectorName,
      tenantName: r.tenantName,
      message: r.errorMessage ?? 'The rotation stopped and needs a decision.',
    },
    now,
  );
}
