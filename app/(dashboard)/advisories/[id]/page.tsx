import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/shell/page-header';
import { StatusChip } from '@/components/status/status-chip';
import { DataTable, type DataTableColumn } from '@/components/tables/data-table';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { DescriptionList } from '@/components/ui/description-list';
import { LinkButton } from '@/components/ui/link-button';
import { ProgressBar } from '@/components/ui/progress-bar';
import { Stat } from '@/components/ui/stat';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/context';
import { hasRole } from '@/lib/auth/principal';
import { getAdvisory, type AffectedConnector } from '@/lib/detection/get-advisory';
import { isRekeyError } from '@/lib/errors';
import { firstParam, formatDateTime, formatNumber, formatRelativeTime } from '@/lib/utils';
import { SEVERITY_TONE } from '../severity';

export const metadata: Metadata = { title: 'Advisory' };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const KIND_LABEL = { sha1: 'SHA-1', sha256: 'SHA-256', serial: 'Serial' } as const;

export default async function AdvisoryPage({ params, searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const { id } = await params;
  const sp = await searchParams;
  const page = Math.max(1, Number(firstParam(sp.page)) || 1);
  let a;
  try {
    a = await getAdvisory(ctx, { advisoryId: id, page, pageSize: 50 });
  } catch (e) {
    if (isRekeyError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
  const now = new Date();
  const canOperate = hasRole(principal, 'operator');
  const { total, tenants } = a.affected;
  const notExposed = Math.max(0, total - a.progress.stillExposed);
  const created = firstParam(sp.created) === '1';
  const matched = Number(firstParam(sp.matched) ?? NaN);
  const changed = Number(firstParam(sp.changed) ?? NaN);

  const columns: DataTableColumn<AffectedConnector>[] = [
    {
      id: 'tenant',
      header: 'Tenant',
      hideable: false,
      cell: (c) => (
        <Link href={`/tenants/${c.tenantId}`} className="underline-offset-2 hover:underline">
          {c.tenantName}
        </Link>
      ),
    },
    {
      id: 'connector',
      header: 'Connector',
      hideable: false,
      cell: (c) => (
        <Link href={`/connectors/${c.connectorId}`} className="font-medium underline-offset-2 hover:underline">
          {c.displayName}
        </Link>
      ),
    },
    { id: 'status', header: 'Status', cell: (c) => <StatusChip status={c.status} /> },
    { id: 'matched', header: 'Matched by', cell: (c) => c.matchedBy.join(', ') },
    { id: 'since', header: 'Status since', cell: (c) => formatRelativeTime(c.statusAt, now) },
    {
      id: 'action',
      header: 'Remediation',
      cell: (c) =>
        c.activeRotationId ? (
          <Link href={`/rotations/${c.activeRotationId}`} className="underline">
            Rotation under way
          </Link>
        ) : canOperate && (c.status === 'compromised' || c.status === 'targeted') ? (
          <Link href={`/rotations/new?connector=${c.connectorId}`} className="underline">
            Rotate
          </Link>
        ) : (
          <span className="text-fg-muted">—</span>
        ),
    },
    { id: 'appId', header: 'App id', defaultHidden: true, cell: (c) => <Mono>{c.appId}</Mono> },
  ];

  return (
    <>
      <PageHeader
        title={a.title}
        breadcrumbs={[{ href: '/advisories', label: 'Advisories' }]}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <Badge tone={SEVERITY_TONE[a.severity] ?? 'neutral'}>{a.severity}</Badge> Published{' '}
            {formatDateTime(a.publishedAt)} · source: {a.source}
          </span>
        }
        actions={
          canOperate && a.progress.stillExposed > 0 ? (
            <span className="flex gap-2">
              <LinkButton href={`/invitations?advisory=${a.id}`} size="sm" variant="secondary">
                Invite customers to rotate
              </LinkButton>
              <LinkButton href={`/campaigns/new?advisory=${a.id}`} size="sm">
                Create remediation campaign
              </LinkButton>
            </span>
          ) : null
        }
      />

      {created ? (
        <Alert tone="success" title="Advisory saved" className="mb-6">
          {Number.isFinite(matched)
            ? `${formatNumber(matched)} connector${matched === 1 ? '' : 's'} matched its indicators`
            : 'Saved'}
          {Number.isFinite(changed) ? `; ${formatNumber(changed)} re-classified.` : '.'}
        </Alert>
      ) : null}

      <section aria-label="Remediation" className="mb-6 space-y-4">
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-5">
          <Stat label="Affected connectors" value={formatNumber(total)} />
          <Stat label="Tenants" value={formatNumber(tenants)} />
          <Stat
            label="Still exposed"
            value={formatNumber(a.progress.stillExposed)}
            tone={a.progress.stillExposed ? 'danger' : 'success'}
          />
          <Stat label="Rotations in flight" value={formatNumber(a.progress.rotationsInFlight)} />
          <Stat
            label="Remediated"
            value={formatNumber(a.progress.remediated)}
            tone={a.progress.remediated ? 'success' : 'default'}
            detail="Rotated away from a named certificate"
          />
        </div>
        {total > 0 ? (
          <Card>
            <CardBody>
              <ProgressBar
                label="Remediation progress"
                value={notExposed}
                max={total}
                valueText={`${formatNumber(notExposed)} of ${formatNumber(total)} affected connectors no longer exposed`}
                showLabel
                tone="success"
              />
            </CardBody>
          </Card>
        ) : null}
      </section>

      <div className="mb-6 grid gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardBody>
            <DescriptionList
              items={[
                { term: 'Severity', value: <Badge tone={SEVERITY_TONE[a.severity] ?? 'neutral'}>{a.severity}</Badge> },
                { term: 'Published', value: formatDateTime(a.publishedAt) },
                {
                  term: 'Compromise window',
                  value: a.compromiseStart
                    ? `${formatDateTime(a.compromiseStart)} → ${a.compromiseEnd ? formatDateTime(a.compromiseEnd) : 'still open'}`
                    : 'Not given',
                },
                { term: 'Source', value: a.source },
                { term: 'Recorded', value: formatDateTime(a.createdAt) },
                {
                  term: 'Guidance',
                  value: a.guidance ? <p className="whitespace-pre-line">{a.guidance}</p> : 'None given.',
                },
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Indicators</CardTitle>
            <CardDescription>
              {formatNumber(a.indicators.length)} certificate indicator{a.indicators.length === 1 ? '' : 's'}.
            </CardDescription>
          </CardHeader>
          <CardBody>
            <TableContainer label="Indicators" maxHeight="20rem">
              <Table>
                <caption className="sr-only">Indicators</caption>
                <THead>
                  <TR>
                    <TH>Kind</TH>
                    <TH>Value</TH>
                    <TH>Issuer</TH>
                  </TR>
                </THead>
                <TBody>
                  {a.indicators.map((i) => (
                    <TR key={`${i.kind}:${i.value}`}>
                      <TD>{KIND_LABEL[i.kind]}</TD>
                      <TD className="break-all">
                        <Mono>{i.value}</Mono>
                      </TD>
                      <TD className="text-xs">{i.issuer ?? '—'}</TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </TableContainer>
          </CardBody>
        </Card>
      </div>

      <section aria-labelledby="affected-heading" className="space-y-3">
        <h2 id="affected-heading" className="text-base font-semibold">
          Affected connectors
        </h2>
        <DataTable
          caption="Affected connectors"
          columns={columns}
          rows={a.affected.items}
          getRowId={(c) => c.connectorId}
          pathname={`/advisories/${a.id}`}
          searchParams={sp}
          pagination={{ page: a.affected.page, pageSize: a.affected.pageSize, total }}
          empty="No connector in your scope uses or holds a certificate this advisory names."
        />
      </section>
    </>
  );
}
