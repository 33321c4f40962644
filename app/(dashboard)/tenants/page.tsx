import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { LinkButton } from '@/components/ui/link-button';
import { DataTable, type DataTableColumn } from '@/components/tables/data-table';
import { parseTableParams } from '@/components/tables/table-params';
import { pageContext } from '@/lib/auth/context';
import { hasRole } from '@/lib/auth/principal';
import { parseFleetFilters } from '@/lib/fleet/fleet-filters';
import { listFilterOptionsFor } from '@/lib/fleet/list-filter-options';
import { listTenantsFor, TENANT_SORTS, type TenantRow, type TenantSort } from '@/lib/fleet/list-tenants';
import { TENANT_ACCESS_LABEL } from '@/lib/fleet/tenant-access';
import { formatNumber, formatRelativeTime, hrefWith } from '@/lib/utils';
import { FleetFilterForm } from '../_components/fleet-filter-form';
import { TenantRows, type TenantRowData } from './_components/tenant-rows';

export const metadata: Metadata = { title: 'Tenants · Rekey' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TenantsPage({ searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const { principal, now } = ctx;
  const sp = await searchParams;
  const filters = parseFleetFilters(sp);
  const table = parseTableParams(sp, TENANT_SORTS, { sort: 'name', dir: 'asc' });
  const [result, options] = await Promise.all([
    listTenantsFor(ctx, {
      filters,
      now,
      sort: table.sort as TenantSort,
      dir: table.dir,
      page: table.page,
      pageSize: 50,
    }),
    listFilterOptionsFor(ctx),
  ]);
  // Header and sorting here; the cells are TenantRows' (a client component rendering the data).
  const columns: DataTableColumn<TenantRow>[] = [
    { id: 'name', header: 'Tenant', sortable: true, hideable: false },
    { id: 'region', header: 'Region', sortable: true },
    { id: 'group', header: 'Group', defaultHidden: false },
    { id: 'status', header: 'Worst status' },
    { id: 'connectors', header: 'Connectors', sortable: true, align: 'right', firstDir: 'desc' },
    { id: 'access', header: 'Access' },
    { id: 'consent', header: 'Consent', sortable: true },
    { id: 'signins', header: 'Sign-in logs', defaultHidden: true },
    { id: 'lastScan', header: 'Last scan', sortable: true, firstDir: 'desc' },
  ];
  const rows: TenantRowData[] = result.rows.map((t) => ({
    id: t.id,
    name: t.displayName,
    domain: t.defaultDomain ?? t.entraTenantId,
    region: t.region,
    group: t.group,
    worstStatus: t.worstStatus,
    connectors: formatNumber(t.connectors),
    access: t.access,
    accessReason: t.accessReason,
    consent: t.consentState,
    signIns: t.signInLogState.replace(/_/g, ' '),
    lastScan: t.lastScanAt ? formatRelativeTime(t.lastScanAt, now) : 'Never',
  }));
  const exportHref = hrefWith('/tenants/export', { ...filters, sort: table.sort, dir: table.dir }, {});
  return (
    <>
      <PageHeader
        title="Tenants"
        description={`${formatNumber(result.total)} tenant${result.total === 1 ? '' : 's'}${filters.q ? ` matching “${filters.q}”` : ''}${filters.access ? ` with access “${TENANT_ACCESS_LABEL[filters.access]}”` : ''}. Access, consent state, connectors and their worst (last known) status.`}
        actions={
          <>
            <LinkButton href={exportHref} prefetch={false} variant="secondary" size="sm">
              Export CSV
            </LinkButton>
            {hasRole(principal, 'operator') ? (
              <LinkButton href="/tenants/new" size="sm">
                Add tenants
              </LinkButton>
            ) : null}
          </>
        }
      />
      <DataTable
        caption="Tenants"
        columns={columns}
        rows={result.rows}
        getRowId={(t) => t.id}
        body={(visible) => <TenantRows rows={rows} columns={visible} />}
        pathname="/tenants"
        searchParams={sp}
        defaultSort={{ sort: 'name', dir: 'asc' }}
        pagination={{ page: result.page, pageSize: result.pageSize, total: result.total }}
        toolbar={
          <FleetFilterForm
            action="/tenants"
            filters={filters}
            options={options}
            extra={{ q: filters.q, status: filters.status, access: filters.access }}
          />
        }
        empty={
          filters.q || filters.region || filters.group || filters.access
            ? 'No tenant matches these filters.'
            : 'No tenants yet. Add tenants by id or domain, or import a CSV.'
        }
      />
    </>
  );
}
