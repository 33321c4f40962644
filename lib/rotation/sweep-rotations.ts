/**
 * Belt and braces after crashes: queues `rotation.advance` for every rotation that should be
 * moving (PENDING, RUNNING, WAITING). The queue keeps one waiting job per rotation, so a rotation
 * that already has one is not queued twice; one whose job was lost (or is stuck active in a
 * dead process) moves again.
 */
import { db } from '@/lib/db';
import { enqueueAdvance } from '@/lib/rotation/rotation-advance-queue';

export async function sweepRotations(now: Date): Promise<{ queued: number }> {
  const rows = await db.rotation.findMany({
    where: { state: { in: ['PENDING', 'RUNNING', 'WAITING'] } },
    select: { id: true, nextAttemptAt: true },
    take: 10_000,
  });
  for (const r of rows) {
    await db.$transaction((tx) =>
      enqueueAdvance(tx, r.id, r.nextAttemptAt && r.nextAttemptAt > now ? r.nextAttemptAt : undefined),
    );
  }
  return { queued: rows.length };
}
