/** `rekey connectors list`: the connectors table of the dashboard, for scripts. */
import { EXIT, UsageError, str, type Command } from '../command';
import { day, emitRows, iso, listOptions, outputMode, pagesOf, type Column } from '../output';
import { asOption, withRuntime } from '../session';
import { viewerScope } from './tenants';
import { STATUS_FILTER_VALUES, type StatusFilter } from '@/lib/fleet/fleet-figures';
import { RekeyError } from '@/lib/errors';
import type { listConnectors } from '@/lib/fleet/list-connectors';

type Row = Awaited<ReturnType<typeof listConnectors>>['rows'][number];

/** The stable JSON shape of one connector (docs/cli.md). */
export function connectorJson(c: Row) {
  return {
    id: c.id,
    displayName: c.displayName,
    appId: c.appId,
    status: c.status,
    statusReasons: c.statusReasons,
    tenant: {
      id: c.tenant.id,
      entraTenantId: c.tenant.entraTenantId,
      displayName: c.tenant.displayName,
      region: c.tenant.region,
    },
    connectorType: { id: c.connectorType.id, name: c.connectorType.name },
    certificate: c.currentCertificate
      ? {
          id: c.currentCertificate.id,
          sha1Thumbprint: c.currentCertificate.sha1Thumbprint,
          subject: c.currentCertificate.subject,
          notAfter: iso(c.currentCertificate.notAfter),
        }
      : null,
    activeRotation: c.rotations[0] ? { id: c.rotations[0].id, state: c.rotations[0].state } : null,
    observedAt: iso(c.observedAt),
  };
}

const columns: Column<Row>[] = [
  { header: 'TENANT', cell: (c) => c.tenant.displayName },
  { header: 'CONNECTOR', cell: (c) => c.displayName },
  { header: 'STATUS', cell: (c) => c.status },
  { header: 'REGION', cell: (c) => c.tenant.region },
  { header: 'CERTIFICATE', cell: (c) => c.currentCertificate?.sha1Thumbprint ?? 'unknown' },
  { header: 'EXPIRES', cell: (c) => day(c.currentCertificate?.notAfter) },
  { header: 'ROTATION', cell: (c) => c.rotations[0]?.state ?? '' },
  { header: 'ID', cell: (c) => c.id },
];

export const connectorCommands: Command[] = [
  {
    path: ['connectors', 'list'],
    summary: 'List connectors with their status, tenant, certificate and any active rotation.',
    usage:
      'connectors list [--status S] [--tenant ID] [--region R] [--group G] [--search Q] [--as EMAIL] [--json | --ndjson]',
    details:
      `--status S      ${STATUS_FILTER_VALUES.join(' | ')} (exposed = targeted + compromised, as the dashboard counts)\n` +
      '--tenant ID     one tenant: Rekey id, Entra tenant id or default domain\n' +
      '--region R      connectors of tenants in region R; --group G: in tenant group G\n' +
      '--search Q      connector or tenant name contains Q, or the app id is Q\n' +
      '--as EMAIL      show only what that Rekey user may see\n' +
      'JSON: an array of connector objects (docs/cli.md); --ndjson streams one per line.',
    options: {
      status: { type: 'string' },
      tenant: { type: 'string' },
      region: { type: 'string' },
      group: { type: 'string' },
      search: { type: 'string' },
      ...asOption,
      ...listOptions,
    },
    async run({ values }, io) {
      const mode = outputMode(values);
      const status = str(values.status);
      if (status !== undefined && !(STATUS_FILTER_VALUES as readonly string[]).includes(status))
        throw new UsageError(`--status must be one of ${STATUS_FILTER_VALUES.join(', ')}`);
      const filters = {
        ...(status ? { status: status as StatusFilter } : {}),
        ...(str(values.region) ? { region: str(values.region) } : {}),
        ...(str(values.group) ? { group: str(values.group) } : {}),
        ...(str(values.search) ? { q: str(values.search) } : {}),
      };
      return withRuntime(values, async (ctx) => {
        const { listConnectors } = await import('@/lib/fleet/list-connectors');
        const { findTenantByAnyId } = await import('@/lib/tenants/get-tenant');
        let scope = await viewerScope(ctx);
        const tenantRef = str(values.tenant);
        if (tenantRef) {
          const t = await findTenantByAnyId(ctx, { tenantId: tenantRef });
          if (!t)
            throw new RekeyError(
              'NOT_FOUND',
              `No onboarded tenant matches ${tenantRef} (rekey tenants list shows them).`,
            );
          scope = { AND: [scope, { id: t.id }] };
        }
        await emitRows(
          io,
          mode,
          pagesOf((page) =>
            listConnectors(ctx.db, scope, { filters, sort: 'tenant', dir: 'asc', page, pageSize: 200 }),
          ),
          { json: connectorJson, columns, noun: 'connector(s)' },
        );
        return EXIT.OK;
      });
    },
  },
];
