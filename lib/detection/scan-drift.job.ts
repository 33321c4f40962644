/** `scan.drift`: the drift scan for listed tenants, or all (scheduled daily; also queued on demand). */
import { z } from 'zod';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { defineJob } from '@/lib/jobs/job-definition';
import { createUseCaseContext } from '@/lib/use-case-defaults';

export const ScanJobDataSchema = z.object({ tenantIds: z.array(z.uuid()).max(10_000).optional() }).strict();
export type ScanJobData = z.infer<typeof ScanJobDataSchema>;

export async function handleScanDrift(data: ScanJobData, now = new Date()): Promise<void> {
  const { scanDrift } = await import('@/lib/detection/scan-drift');
  await scanDrift(
    createUseCaseContext({ actor: { ...SYSTEM_ACTOR, label: 'system (scan.drift)' }, now }),
    data.tenantIds?.length ? { tenantIds: data.tenantIds } : { all: true },
  );
}

export const scanDriftJob = defineJob<ScanJobData>({
  name: 'scan.drift',
  queue: { policy: 'short', retryLimit: 2, retryDelay: 300, expireInSeconds: 3_600 },
  schema: ScanJobDataSchema,
  handle: (data) => handleScanDrift(data),
});
