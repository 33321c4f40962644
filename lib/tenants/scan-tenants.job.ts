/** `scan.tenants`: the discovery scan of every consented tenant (scheduled; also queued on demand). */
import { z } from 'zod';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { defineJob } from '@/lib/jobs/job-definition';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const ScanTenantsDataSchema = z.object({ tenantIds: z.array(z.uuid()).max(10_000).optional() }).strict();

export const scanTenantsJob = defineJob<z.infer<typeof ScanTenantsDataSchema>>({
  name: 'scan.tenants',
  queue: { policy: 'short', retryLimit: 2, retryDelay: 300, expireInSeconds: 3_600 },
  schema: ScanTenantsDataSchema,
  handle: async (data) => {
    const { scanAllTenants } = await import('@/lib/tenants/scan-all-tenants');
    await scanAllTenants(
      createUseCaseContext({ actor: { ...SYSTEM_ACTOR, label: 'system (scan.tenants)' }, now: new Date() }),
      { concurrency: 8, skipNotConsented: true, ...(data.tenantIds?.length ? { tenantIds: data.tenantIds } : {}) },
    );
  },
});
