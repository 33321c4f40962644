import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { StatusChip } from '@/components/status/status-chip';
import { LinkButton } from '@/components/ui/link-button';
import { Mono } from '@/components/ui/code-block';
import { DataTable, type DataTableColumn } from '@/components/tables/data-table';
import { parseTableParams } from '@/components/tables/table-params';
import { pageContext } from '@/lib/auth/context';
import { hasRole } from '@/lib/auth/principal';
import { parseFleetFilters } from '@/lib/fleet/fleet-filters';
import { statusFilterLabel } from '@/lib/fleet/fleet-figures';
import { listConnectorsFor, CONNECTOR_SORTS, type ConnectorSort } from '@/lib/fleet/list-connectors';
import { listFilterOptionsFor } from '@/lib/fleet/list-filter-options';
import { formatDate, formatNumber, hrefWith } from '@/lib/utils';
import { FleetFilterForm } from '../_components/fleet-filter-form';

export const metadata: Metadata = { title: 'Connectors · Rekey' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
type Row = Awaited<ReturnType<typeof listConnectorsFor>>['rows'][number];

export default async function ConnectorsPage({ searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const sp = await searchParams;
  const filters = parseFleetFilters(sp);
  const table = parseTableParams(sp, CONNECTOR_SORTS, { sort: 'status', dir: 'asc' });
  const [result, options] = await Promise.all([
    listConnectorsFor(ctx, {
      filters,
      sort: table.sort as ConnectorSort,
      dir: table.dir,
      page: table.page,
      pageSize: 50,
    }),
    listFilterOptionsFor(ctx),
  ]);
  const canOperate = hasRole(principal, 'operator');
  const columns: DataTableColumn<Row>[] = [
    {
      id: 'name',
      header: 'Connector',
      sortable: true,
      hideable: false,
      cell: (c) => (
        <div className="min-w-0">
          <Link href={`/connectors/${c.id}`} className="font-medium text-fg underline-offset-2 hover:underline">
            {c.displayName}
          </Link>
          <div className="truncate text-xs text-fg-muted">{c.connectorType.name}</div>
        </div>
      ),
    },
    {
      id: 'tenant',
      header: 'Tenant',
      sortable: true,
      cell: (c) => (
        <Link href={`/tenants/${c.tenant.id}`} className="underline-offset-2 hover:underline">
          {c.tenant.displayName}
        </Link>
      ),
    },
    { id: 'region', header: 'Region', cell: (c) => c.tenant.region },
    { id: 'status', header: 'Status', sortable: true, cell: (c) => <StatusChip status={c.status} /> },
    {
      id: 'expires',
      header: 'Certificate expires',
      sortable: true,
      cell: (c) => (c.currentCertificate ? formatDate(c.currentCertificate.notAfter) : '—'),
    },
    {
      id: 'thumbprint',
      header: 'Thumbprint',
      defaultHidden: true,
      cell: (c) => (c.currentCertificate ? <Mono>{c.currentCertificate.sha1Thumbprint}</Mono> : '—'),
    },
    { id: 'type', header: 'Type', sortable: true, defaultHidden: true, cell: (c) => c.connectorType.name },
    {
      id: 'rotation',
      header: 'Rotation',
      cell: (c) =>
        c.rotations[0] ? (
          <Link href={`/rotations/${c.rotations[0].id}`}>
            <StatusChip kind="rotation" status={c.rotations[0].state} />
          </Link>
        ) : (
          '—'
        ),
    },
  ];
  return (
    <>
      <PageHeader
        title="Connectors"
        description={`${formatNumber(result.total)} vendor connector${result.total === 1 ? '' : 's'}${filters.status ? ` with status ${statusFilterLabel(filters.status)}` : ''}. Select connectors to rotate them as a campaign.`}
        actions={
          <LinkButton
            href={hrefWith('/connectors/export', { ...filters, sort: table.sort, dir: table.dir }, {})}
            prefetch={false}
            variant="secondary"
            size="sm"
          >
            Export CSV
          </LinkButton>
        }
      />
      <DataTable
        caption="Connectors"
        columns={columns}
        rows={result.rows}
        getRowId={(c) => c.id}
        pathname="/connectors"
        searchParams={sp}
        defaultSort={{ sort: 'status', dir: 'asc' }}
        pagination={{ page: result.page, pageSize: result.pageSize, total: result.total }}
        bulk={
          canOperate
            ? {
                action: '/campaigns/new',
                actions: [{ label: 'Rotate selected as a campaign', value: 'campaign', variant: 'primary' }],
                name: 'connectorIds',
                rowLabel: (c) => `${c.tenant.displayName} · ${c.displayName}`,
              }
            : undefined
        }
        toolbar={
          <FleetFilterForm
            action="/connectors"
            filters={filters}
            options={options}
            extra={{ q: filters.q, status: filters.status }}
          />
        }
        empty="No connector matches these filters."
      />
    </>
  );
}
