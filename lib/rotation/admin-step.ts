/**
 * What every admin action on a rotation writes first (cancel, retry, confirming the vendor's
 * cutover): the version-checked update of the rotation row and the step row that records it, in
 * the caller's transaction. A rotation that moved meanwhile is a CONFLICT: nothing is written.
 */
import type { Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';

export async function recordAdminStep(
  tx: Prisma.TransactionClient,
  r: { id: string; version: number; step: string },
  data: Omit<Prisma.RotationUpdateManyMutationInput, 'version'>,
  row: { outcome: string; message: string; at: Date; detail: Prisma.InputJsonValue },
): Promise<void> {
  const updated = await tx.rotation.updateMany({
    where: { id: r.id, version: r.version },
    data: { ...data, version: { increment: 1 } },
  });
  if (updated.count !== 1)
    throw new RekeyError('CONFLICT', `Rotation ${r.id} changed at the same moment; look again and retry.`);
  await tx.rotationStep.create({ data: { rotationId: r.id, step: r.step, ...row } });
}
