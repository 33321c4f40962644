import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { ROTATION_STATE, StatusChip } from '@/components/status/status-chip';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/select';
import { DataTable, type DataTableColumn } from '@/components/tables/data-table';
import { parseTableParams } from '@/components/tables/table-params';
import { pageContext } from '@/lib/auth/context';
import { ROTATION_STATES } from '@/lib/rotation/machine';
import { formatDateTime, formatDuration, formatNumber, hrefWith, type SearchParams } from '@/lib/utils';
import {
  listRotationPage,
  parseRotationFilters,
  ROTATION_SORTS,
  type RotationSort,
} from '@/lib/rotation/rotation-queries';
import { MODE_LABEL } from './_lib/step-labels';

export const metadata: Metadata = { title: 'Rotations' };

type Props = { searchParams: Promise<SearchParams> };
type Row = Awaited<ReturnType<typeof listRotationPage>>['rows'][number];

const INPUT = 'h-8 rounded-md border border-border bg-surface px-2 text-sm';

export default async function RotationsPage({ searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const sp = await searchParams;
  const f = parseRotationFilters(sp);
  const table = parseTableParams(sp, ROTATION_SORTS, { sort: 'createdAt', dir: 'desc' });
  const result = await listRotationPage(ctx, {
    filters: f,
    sort: table.sort as RotationSort,
    dir: table.dir,
    page: table.page,
  });
  const now = ctx.now;
  const columns: DataTableColumn<Row>[] = [
    {
      id: 'state',
      header: 'State',
      sortable: true,
      hideable: false,
      cell: (r) => (
        <Link
          href={`/rotations/${r.id}`}
          aria-label={`Rotation of ${r.connector.displayName} in ${r.connector.tenant.displayName}: ${ROTATION_STATE[r.state].label}`}
        >
          <StatusChip kind="rotation" status={r.state} />
        </Link>
      ),
    },
    {
      id: 'connector',
      header: 'Connector',
      hideable: false,
      cell: (r) => (
        <Link href={`/rotations/${r.id}`} className="font-medium underline-offset-2 hover:underline">
          {r.connector.displayName}
        </Link>
      ),
    },
    {
      id: 'tenant',
      header: 'Tenant',
      cell: (r) => (
        <Link href={`/tenants/${r.connector.tenant.id}`} className="underline-offset-2 hover:underline">
          {r.connector.tenant.displayName}
        </Link>
      ),
    },
    { id: 'mode', header: 'Mode', cell: (r) => MODE_LABEL[r.mode] ?? r.mode },
    { id: 'actor', header: 'Started by', cell: (r) => r.actorLabel || 'system' },
    {
      id: 'createdAt',
      header: 'Started',
      sortable: true,
      firstDir: 'desc',
      cell: (r) => <span className="whitespace-nowrap">{formatDateTime(r.startedAt ?? r.createdAt)}</span>,
    },
    {
      id: 'finishedAt',
      header: 'Finished',
      sortable: true,
      firstDir: 'desc',
      cell: (r) => <span className="whitespace-nowrap">{r.finishedAt ? formatDateTime(r.finishedAt) : '—'}</span>,
    },
    {
      id: 'duration',
      header: 'Duration',
      align: 'right',
      cell: (r) =>
        formatDuration((r.finishedAt ?? now).getTime() - (r.startedAt ?? r.createdAt).getTime()) +
        (r.finishedAt ? '' : ' so far'),
    },
    {
      id: 'problem',
      header: 'Message',
      defaultHidden: true,
      cell: (r) => <span className="text-xs text-fg-muted">{r.errorMessage ?? '—'}</span>,
    },
  ];
  const title =
    f.state === 'active'
      ? 'Rotations in flight'
      : f.state === 'NEEDS_ATTENTION'
        ? 'Rotations that need attention'
        : 'Rotations';
  return (
    <>
      <PageHeader
        title={title}
        description={`${formatNumber(result.total)} rotation${result.total === 1 ? '' : 's'} in your tenants. Each one links to its live progress and evidence.`}
      />
      <DataTable
        caption="Rotations"
        columns={columns}
        rows={result.rows}
        getRowId={(r) => r.id}
        pathname="/rotations"
        searchParams={sp}
        defaultSort={{ sort: 'createdAt', dir: 'desc' }}
        pagination={{ page: result.page, pageSize: result.pageSize, total: result.total }}
        toolbar={
          <form
            action="/rotations"
            method="get"
            className="flex flex-wrap items-end gap-3"
            aria-label="Filter rotations"
          >
            {f.connector ? <input type="hidden" name="connector" value={f.connector} /> : null}
            {f.tenant ? <input type="hidden" name="tenant" value={f.tenant} /> : null}
            <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
              State
              <Select
                name="state"
                defaultValue={f.state ?? ''}
                options={[
                  { value: '', label: 'All states' },
                  { value: 'active', label: 'In flight (incl. needs attention)' },
                  ...ROTATION_STATES.map((s) => ({ value: s, label: ROTATION_STATE[s].label })),
                ]}
              />
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
              Mode
              <Select
                name="mode"
                defaultValue={f.mode ?? ''}
                options={[
                  { value: '', label: 'All modes' },
                  { value: 'rotate', label: 'Rotate key' },
                  { value: 'reestablish', label: 'Re-establish' },
                ]}
              />
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
              Connector or tenant
              <input name="q" defaultValue={f.q} placeholder="Name contains" className={INPUT} />
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
              Started by
              <input name="actor" defaultValue={f.actor} placeholder="e.g. operator@" className={INPUT} />
            </label>
            <Button type="submit" variant="secondary" size="sm">
              Apply
            </Button>
            {f.state || f.mode || f.q || f.actor || f.connector || f.tenant ? (
              <Link href="/rotations" className="text-xs text-fg-muted underline">
                Clear filters
              </Link>
            ) : null}
            {f.connector || f.tenant ? (
              <span className="text-xs text-fg-muted">
                Showing one {f.connector ? 'connector' : 'tenant'} ·{' '}
                <Link
                  className="underline"
                  href={hrefWith('/rotations', sp, { connector: null, tenant: null, page: null })}
                >
                  all
                </Link>
              </span>
            ) : null}
          </form>
        }
        empty={
          f.state || f.mode || f.q || f.actor || f.connector || f.tenant
            ? 'No rotation matches these filters.'
            : 'No rotations yet. Open a connector and choose Rotate, or start a campaign.'
        }
      />
    </>
  );
}
