/**
 * Scans many tenants with bounded concurrency (the shared Graph gateway also limits per tenant and
 * overall). One tenant's failure is recorded on it and reported here; the others go on.
 */
import { db } from '@/lib/db';
import { isRekeyError } from '@/lib/errors';
import { scanTenant, type ScanSummary } from '@/lib/tenants/scan-tenant';
import type { UseCaseContext } from '@/lib/use-case';

export type TenantScanOutcome =
  | { tenantId: string; name: string; ok: true; summary: ScanSummary }
  | { tenantId: string; name: string; ok: false; code: string; message: string; transient: boolean };

export interface ScanAllTenantsOptions {
  concurrency?: number;
  /** Only these tenants (Rekey ids); default all. */
  tenantIds?: string[];
  /** Skip tenants known not to have consented (default true). */
  skipNotConsented?: boolean;
  onResult?: (r: TenantScanOutcome) => void;
}

export async function scanAllTenants(
  ctx: UseCaseContext,
  opts: ScanAllTenantsOptions = {},
): Promise<TenantScanOutcome[]> {
  const tenants = await db.tenant.findMany({
    where: {
      ...(opts.tenantIds ? { id: { in: opts.tenantIds } } : {}),
      ...(opts.skipNotConsented === false ? {} : { consentState: { not: 'not_consented' as const } }),
    },
    select: { id: true, displayName: true },
    orderBy: [{ lastScanAt: { sort: 'asc', nulls: 'first' } }, { displayName: 'asc' }],
  });
  const results: TenantScanOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const t = tenants[next++]!;
      let r: TenantScanOutcome;
      try {
        r = { tenantId: t.id, name: t.displayName, ok: true, summary: await scanTenant(ctx, { tenantId: t.id }) };
      } catch (e) {
        r = isRekeyError(e)
          ? {
              tenantId: t.id,
              name: t.displayName,
              ok: false,
              code: e.code,
              message: e.message,
              transient: e.details?.transient === true,
            }
          : {
              tenantId: t.id,
              name: t.displayName,
              ok: false,
              code: 'INTERNAL',
              message: (e as Error).message,
              transient: false,
            };
      }
      results.push(r);
      opts.onResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, tenants.length)) }, worker));
  return results;
}
