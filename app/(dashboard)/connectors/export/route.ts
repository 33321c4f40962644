import { z } from 'zod';
import { defineRoute } from '@/lib/auth/action';
import { csvResponse, paged } from '@/lib/csv';
import { parseFleetFilters } from '@/lib/fleet/fleet-filters';
import { CONNECTOR_SORTS, listConnectorsFor } from '@/lib/fleet/list-connectors';

const Query = z
  .object({ sort: z.enum(CONNECTOR_SORTS).optional(), dir: z.enum(['asc', 'desc']).optional() })
  .passthrough();

/** CSV of every connector matching the table's filters. */
export const GET = defineRoute({
  name: 'connectors.export',
  role: 'viewer',
  input: Query,
  handler: async (input, ctx) => {
    const filters = parseFleetFilters(input as Record<string, string>);
    const rows = paged(
      (page, pageSize) => listConnectorsFor(ctx, { filters, sort: input.sort, dir: input.dir, page, pageSize }),
      (c) => [
        c.tenant.displayName,
        c.tenant.region,
        c.connectorType.name,
        c.displayName,
        c.appId,
        c.status,
        c.currentCertificate?.sha1Thumbprint,
        c.currentCertificate?.notAfter,
        c.rotations[0]?.state,
      ],
    );
    return csvResponse(
      'rekey-connectors.csv',
      ['tenant', 'region', 'type', 'connector', 'appId', 'status', 'thumbprint', 'expires', 'activeRotation'],
      rows,
    );
  },
});
