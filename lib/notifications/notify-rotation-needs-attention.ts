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
  const r = await tx.rotation.findUnique({
    where: { id: rotationId },
    select: {
      id: true,
      campaignId: true,
      errorMessage: true,
      connector: { select: { displayName: true, tenant: { select: { displayName: true } } } },
    },
  });
  if (!r) return [];
  return notify(
    tx,
    {
      kind: 'rotation.needs_attention',
      rotationId: r.id,
      campaignId: r.campaignId,
      connectorName: r.connector.displayName,
      tenantName: r.connector.tenant.displayName,
      message: r.errorMessage ?? 'The rotation stopped and needs a decision.',
    },
    now,
  );
}
