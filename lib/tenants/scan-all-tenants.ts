/**
 * Scans many tenants with bounded concurrency (the shared Graph gateway also limits per tenant and
 * overall). One tenant's failure is recorded on it and reported here; the others go on.
 */
import { mapAdaptive } from '@/lib/detection/detection-context';
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
  /** Told how many tenants the run covers, before the first scan (progress of long runs). */
  onStart?: (total: number) => void;
  onResult?: (r: TenantScanOutcome) => void;
  /** With this, concurrency starts at `concurrency` and adapts up to `maxConcurrency` (mapAdaptive). */
  pressure?: () => number;
  maxConcurrency?: number;
}

export async function scanAllTenants(
  ctx: UseCaseContext,
  opts: ScanAllTenantsOptions = {},
): Promise<TenantScanOutcome[]> {
  const tenants = await ctx.db.tenant.findMany({
    where: {
      ...(opts.tenantIds ? { id: { in: opts.tenantIds } } : {}),
      ...(opts.skipNotConsented === false ? {} : { consentState: { not: 'not_consented' as const } }),
    },
    select: { id: true, displayName: true },
    orderBy: [{ lastScanAt: { sort: 'asc', nulls: 'first' } }, { displayName: 'asc' }],
  });
  opts.onStart?.(tenants.length);
  const scanOne = async (t: { id: string; displayName: string }): Promise<TenantScanOutcome> => {
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
    opts.onResult?.(r);
    return r;
  };
  const concurrency = opts.concurrency ?? 8;
  const results = await mapAdaptive(
    tenants,
    {
      start: concurrency,
      max: opts.pressure ? opts.maxConcurrency : concurrency,
      pressure: opts.pressure ?? (() => 0),
    },
    scanOne,
  );
  return results;
}
