import { z } from 'zod';
import { defineRoute } from '@/lib/auth/action';
import { csvResponse, paged } from '@/lib/csv';
import { parseFleetFilters } from '@/lib/fleet/fleet-filters';
import { listTenantsFor, TENANT_SORTS } from '@/lib/fleet/list-tenants';

const Query = z
  .object({ sort: z.enum(TENANT_SORTS).optional(), dir: z.enum(['asc', 'desc']).optional() })
  .passthrough();

/** CSV of every tenant matching the table's filters (not just the visible page). */
export const GET = defineRoute({
  name: 'tenants.export',
  role: 'viewer',
  input: Query,
  handler: async (input, ctx) => {
    const filters = parseFleetFilters(input as Record<string, string>);
    const rows = paged(
      (page, pageSize) => listTenantsFor(ctx, { filters, sort: input.sort, dir: input.dir, page, pageSize }),
      (t) => [
        t.displayName,
        t.entraTenantId,
        t.defaultDomain,
        t.region,
        t.group,
        t.connectors,
        t.worstStatus,
        t.consentState,
        t.signInLogState,
        t.lastScanAt,
      ],
    );
    return csvResponse(
      'rekey-tenants.csv',
      [
        'name',
        'tenantId',
        'domain',
        'region',
        'group',
        'connectors',
        'worstStatus',
        'consent',
        'signInLogs',
        'lastScan',
      ],
      rows,
    );
  },
});
