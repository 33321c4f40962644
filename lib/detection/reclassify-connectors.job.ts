/**
 * `status.reclassify` (daily): every connector re-classified — time alone moves connectors into
 * expiring / expired / stale — and today's status counts written to StatusSnapshot for the
 * burn-down chart.
 */
import { z } from 'zod';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { defineJob } from '@/lib/jobs/job-definition';

export async function handleReclassifyAll(now = new Date()): Promise<void> {
  const { db } = await import('@/lib/db');
  const { reclassifyConnectors } = await import('@/lib/detection/reclassify-connectors');
  const r = await reclassifyConnectors(
    db,
    { all: true },
    { now, actor: { ...SYSTEM_ACTOR, label: 'system (status.reclassify)' }, reason: 'daily' },
  );
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  await db.$transaction(
    Object.entries(r.byStatus).map(([status, count]) =>
      db.statusSnapshot.upsert({
        where: { day_status: { day, status: status as never } },
        update: { count },
        create: { day, status: status as never, count },
      }),
    ),
  );
}

export const reclassifyConnectorsJob = defineJob<Record<string, never>>({
  name: 'status.reclassify',
  queue: { policy: 'short', retryLimit: 2, retryDelay: 600, expireInSeconds: 3_600 },
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  handle: () => handleReclassifyAll(),
});
