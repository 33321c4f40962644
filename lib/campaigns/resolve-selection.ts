/**
 * A campaign's selection — a fleet filter (optionally "every connector on a certificate named in
 * advisory A" — lib/detection's matcher) or an explicit list — resolved to connectors inside the creator's operator scope.
 * Connectors with an active rotation (outside any campaign, or in another one) are returned as
 * `skipped` with the reason; the database's one-active-rotation index stays the final guard when
 * the dispatcher starts each rotation.
 */
import { z } from 'zod';
import type { Db, Prisma } from '@/lib/db';
import { affectedSql } from '@/lib/detection/affected-connectors';
import { RekeyError } from '@/lib/errors';
import { FleetFiltersSchema } from '@/lib/fleet/fleet-filters';
import { connectorFilterWhere } from '@/lib/fleet/fleet-filters';
import { ACTIVE_ROTATION_STATES, type ConnectorStatusValue } from '@/lib/fleet/statuses';

export const SelectionFiltersSchema = FleetFiltersSchema.extend({ advisoryId: z.uuid().optional() });

export const SelectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('filter'), filters: SelectionFiltersSchema }),
  z.object({ kind: z.literal('list'), connectorIds: z.array(z.uuid()).min(1).max(100_000) }),
]);
export type Selection = z.infer<typeof SelectionSchema>;

export interface SelectedConnector {
  connectorId: string;
  connectorName: string;
  tenantId: string;
  tenantName: string;
  region: string;
  connectorTypeId: string;
  status: ConnectorStatusValue;
  currentCertificateId: string | null;
}

export interface ResolvedSelection {
  eligible: SelectedConnector[];
  skipped: (SelectedConnector & { reason: string })[];
}

type Client = Db | Prisma.TransactionClient;

/**
 * Connectors an advisory affects (lib/detection's matcher: the current certificate, or a
 * credential observed in the tenant, matches an indicator), fleet-wide; the caller applies scope.
 */
export async function connectorIdsInAdvisory(client: Client, advisoryId: string): Promise<string[]> {
  const advisory = await client.advisory.findUnique({ where: { id: advisoryId }, select: { id: true } });
  if (!advisory) throw new RekeyError('NOT_FOUND', `Advisory ${advisoryId} not found.`);
  const rows = await client.$queryRaw<
    { connectorId: string }[]
  >`WITH affected AS (${affectedSql([advisoryId], { all: true })}) SELECT DISTINCT "connectorId" FROM affected`;
  return rows.map((r) => r.connectorId);
}

const LIST_CHUNK = 5_000;

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export async function resolveSelection(
  client: Client,
  selection: Selection,
  scope: Prisma.TenantWhereInput,
): Promise<ResolvedSelection> {
  let where: Prisma.ConnectorWhereInput = {};
  if (selection.kind === 'filter') {
    const { advisoryId, ...filters } = selection.filters;
    where = connectorFilterWhere(scope, filters);
    if (advisoryId) where = { AND: [where, { id: { in: await connectorIdsInAdvisory(client, advisoryId) } }] };
  }
  const select = {
    id: true,
    displayName: true,
    status: true,
    connectorTypeId: true,
    currentCertificateId: true,
    tenant: { select: { id: true, displayName: true, region: true } },
    rotations: {
      where: { state: { in: [...ACTIVE_ROTATION_STATES] } },
      select: { id: true, state: true, campaignId: true },
      take: 1,
    },
  } satisfies Prisma.ConnectorSelect;
  // Large explicit lists are read in chunks (bind-parameter limits); filters in one query.
  const rows =
    selection.kind === 'list'
      ? (
          await Promise.all(
            chunk([...new Set(selection.connectorIds)], LIST_CHUNK).map((part) =>
              client.connector.findMany({ where: { id: { in: part }, tenant: scope }, orderBy: { id: 'asc' }, select }),
            ),
          )
        ).flat()
      : await client.connector.findMany({ where, orderBy: { id: 'asc' }, select });
  if (selection.kind === 'list') {
    const found = new Set(rows.map((r) => r.id));
    const missing = [...new Set(selection.connectorIds)].filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new RekeyError(
        'BAD_INPUT',
        `${missing.length} connector(s) of the list were not found or are outside your scope: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}.`,
        { missing: missing.slice(0, 100) },
      );
    }
  }
  const out: ResolvedSelection = { eligible: [], skipped: [] };
  for (const r of rows) {
    const c: SelectedConnector = {
      connectorId: r.id,
      connectorName: r.displayName,
      tenantId: r.tenant.id,
      tenantName: r.tenant.displayName,
      region: r.tenant.region,
      connectorTypeId: r.connectorTypeId,
      status: r.status,
      currentCertificateId: r.currentCertificateId,
    };
    const active = r.rotations[0];
    if (active) {
      out.skipped.push({
        ...c,
        reason: `Rotation ${active.id} is already ${active.state}${active.campaignId ? ` (campaign ${active.campaignId})` : ''}.`,
      });
    } else out.eligible.push(c);
  }
  return out;
}
