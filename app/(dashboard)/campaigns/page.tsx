import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { DataTable, type DataTableColumn } from '@/components/tables/data-table';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { LinkButton } from '@/components/ui/link-button';
import { ProgressBar } from '@/components/ui/progress-bar';
import { pageContext } from '@/lib/auth/context';
import { hasRole } from '@/lib/auth/principal';
import { listCampaignsFor } from '@/lib/campaigns/list-campaigns';
import { firstParam, formatDateTime, formatNumber } from '@/lib/utils';
import { campaignCreators } from '@/lib/campaigns/campaign-queries';

export const metadata: Metadata = { title: 'Campaigns · Rekey' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
type Row = Awaited<ReturnType<typeof listCampaignsFor>>['rows'][number] & { createdBy: string };

export default async function CampaignsPage({ searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const sp = await searchParams;
  const page = Math.max(Number(firstParam(sp.page)) || 1, 1);
  const result = await listCampaignsFor(ctx, { page });
  const createdBy = await campaignCreators(
    ctx,
    result.rows.map((r) => r.id),
  );
  const rows: Row[] = result.rows.map((r) => ({ ...r, createdBy: createdBy.get(r.id) ?? '—' }));
  const canCreate = hasRole(principal, 'operator');
  const columns: DataTableColumn<Row>[] = [
    {
      id: 'name',
      header: 'Campaign',
      hideable: false,
      cell: (c) => (
        <Link href={`/campaigns/${c.id}`} className="font-medium underline-offset-2 hover:underline">
          {c.name}
        </Link>
      ),
    },
    {
      id: 'state',
      header: 'State',
      cell: (c) => <Badge tone={c.outcome.tone}>{c.outcome.label}</Badge>,
    },
    {
      id: 'progress',
      header: 'Progress',
      className: 'min-w-48',
      cell: (c) => (
        <ProgressBar
          value={c.doneShare}
          max={1}
          label={`${c.name} progress`}
          showLabel
          size="sm"
          tone={c.outcome.exceptions ? 'warning' : c.outcome.kind === 'completed' ? 'success' : 'accent'}
        />
      ),
    },
    { id: 'total', header: 'Connectors', align: 'right', cell: (c) => formatNumber(c.total) },
    { id: 'succeeded', header: 'Succeeded', align: 'right', cell: (c) => formatNumber(c.byState.SUCCEEDED ?? 0) },
    {
      id: 'failed',
      header: 'Failed',
      align: 'right',
      cell: (c) =>
        c.byState.FAILED ? <span className="font-medium text-danger">{formatNumber(c.byState.FAILED)}</span> : '0',
    },
    {
      id: 'skipped',
      header: 'Skipped',
      align: 'right',
      defaultHidden: true,
      cell: (c) => formatNumber((c.byState.SKIPPED ?? 0) + (c.byState.CANCELLED ?? 0)),
    },
    { id: 'createdBy', header: 'Created by', cell: (c) => c.createdBy },
    { id: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.createdAt) },
    { id: 'mode', header: 'Mode', defaultHidden: true, cell: (c) => c.mode },
  ];
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Rotations across many tenants at once, in waves, with a canary first."
        actions={
          canCreate ? (
            <LinkButton href="/campaigns/new/setup" size="sm" variant="primary">
              New campaign
            </LinkButton>
          ) : null
        }
      />
      {result.total === 0 ? (
        <EmptyState
          title="No campaigns yet"
          description="Create one from an advisory, a fleet filter, or by selecting connectors in the Connectors table."
          icon="layers"
          action={
            canCreate ? (
              <LinkButton href="/campaigns/new/setup" size="sm">
                New campaign
              </LinkButton>
            ) : undefined
          }
        />
      ) : (
        <DataTable
          caption="Campaigns"
          columns={columns}
          rows={rows}
          getRowId={(c) => c.id}
          pathname="/campaigns"
          searchParams={sp}
          pagination={{ page: result.page, pageSize: result.pageSize, total: result.total }}
        />
      )}
    </>
  );
}
