/** `scan.signins`: misuse evidence for listed tenants, or every tenant with an exposed connector. */
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { defineJob } from '@/lib/jobs/job-definition';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import { ScanJobDataSchema, type ScanJobData } from '@/lib/detection/scan-drift.job';

export async function handleScanSignIns(data: ScanJobData, now = new Date()): Promise<void> {
  const { scanSignIns } = await import('@/lib/detection/scan-sign-ins');
  await scanSignIns(
    createUseCaseContext({ actor: { ...SYSTEM_ACTOR, label: 'system (scan.signins)' }, now }),
    data.tenantIds?.length ? { tenantIds: data.tenantIds } : { all: true },
  );
}

export const scanSignInsJob = defineJob<ScanJobData>({
  name: 'scan.signins',
  queue: { policy: 'short', retryLimit: 2, retryDelay: 300, expireInSeconds: 3_600 },
  schema: ScanJobDataSchema,
  handle: (data) => handleScanSignIns(data),
});
