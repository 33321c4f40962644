import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { StackedBar, type StackKey } from '@/components/charts/stacked-bar';
import { PageHeader } from '@/components/shell/page-header';
import { StatusChip } from '@/components/status/status-chip';
import { DataTable, type DataTableColumn } from '@/components/tables/data-table';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { DescriptionList } from '@/components/ui/description-list';
import { LinkButton } from '@/components/ui/link-button';
import { ProgressBar } from '@/components/ui/progress-bar';
import { Select } from '@/components/ui/select';
import { Stat } from '@/components/ui/stat';
import { pageContext } from '@/lib/auth/context';
import { hasRole, isFleetWide } from '@/lib/auth/principal';
import { DEFAULT_APPROVAL_THRESHOLD } from '@/lib/campaigns/create-campaign';
import {
  getCampaignProgressFor,
  ITEM_STATES,
  listCampaignItemsFor,
  type ItemState,
} from '@/lib/campaigns/get-campaign-progress';
import { isRekeyError } from '@/lib/errors';
import { firstParam, formatDateTime, formatDuration, formatNumber, formatPercent, hrefWith } from '@/lib/utils';
import { userNames } from '@/lib/campaigns/campaign-queries';
import { START_CONFIRM_TEXT, startNeedsTypedConfirmation } from '../_lib/campaign-rules';
import { CampaignControls } from './_components/campaign-controls';
import { LiveRefresh } from './_components/live-refresh';

export const metadata: Metadata = { title: 'Campaign · Rekey' };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };
type Item = Awaited<ReturnType<typeof listCampaignItemsFor>>['rows'][number];

const ITEM_KEYS: StackKey[] = [
  { key: 'SUCCEEDED', label: 'Succeeded', tone: 'success' },
  { key: 'RUNNING', label: 'Running', tone: 'info' },
  { key: 'QUEUED', label: 'Queued', tone: 'neutral' },
  { key: 'FAILED', label: 'Failed', tone: 'danger' },
  { key: 'SKIPPED', label: 'Skipped', tone: 'caution' },
  { key: 'CANCELLED', label: 'Cancelled', tone: 'violet' },
];
const ITEM_TONE = {
  QUEUED: 'neutral',
  RUNNING: 'info',
  SUCCEEDED: 'success',
  FAILED: 'danger',
  SKIPPED: 'caution',
  CANCELLED: 'neutral',
} as const;
const RISK: Record<string, { label: string; tone: 'default' | 'danger' | 'warning' | 'success' }> = {
  none: { label: 'No deadline', tone: 'default' },
  met: { label: 'Met', tone: 'success' },
  missed: { label: 'Missed', tone: 'danger' },
  on_track: { label: 'On track', tone: 'success' },
  at_risk: { label: 'At risk', tone: 'danger' },
  unknown: { label: 'Not known yet', tone: 'warning' },
};

/** One labelled filter of the items table. */
function FilterSelect(props: {
  label: string;
  name: string;
  value: string;
  options: { value: string; label: string }[];
}) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
      {props.label}
      <Select name={props.name} defaultValue={props.value} options={props.options} />
    </label>
  );
}

export default async function CampaignPage({ params, searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const [{ id }, sp] = await Promise.all([params, searchParams]);
  const now = new Date();
  const stateFilter = firstParam(sp.state);
  const waveFilter = firstParam(sp.wave);
  const regionFilter = firstParam(sp.region);
  const q = firstParam(sp.q)?.slice(0, 200);
  const page = Math.max(Number(firstParam(sp.page)) || 1, 1);
  let progress, items;
  try {
    [progress, items] = await Promise.all([
      getCampaignProgressFor({ ...ctx, now }, { campaignId: id }),
      listCampaignItemsFor(ctx, {
        campaignId: id,
        state: ITEM_STATES.includes(stateFilter as ItemState) ? (stateFilter as ItemState) : undefined,
        wave: waveFilter && /^\d+$/.test(waveFilter) ? Number(waveFilter) : undefined,
        region: regionFilter || undefined,
        needsAttention: stateFilter === 'attention' || undefined,
        q: q || undefined,
        page,
        pageSize: 50,
      }),
    ]);
  } catch (e) {
    if (isRekeyError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
  const c = progress.campaign;
  const t = progress.totals;
  const names = await userNames(ctx, [c.createdById, c.approvedById]);
  const live = c.state === 'RUNNING' || (c.state === 'CANCELLED' && t.RUNNING > 0);
  const canOperate = hasRole(principal, 'operator');
  const canApprove = isFleetWide(principal, 'admin') && c.createdById !== principal.userId;

  const columns: DataTableColumn<Item>[] = [
    {
      id: 'tenant',
      header: 'Tenant',
      hideable: false,
      cell: (i) => (
        <Link href={`/tenants/${i.connector.tenant.id}`} className="font-medium underline-offset-2 hover:underline">
          {i.connector.tenant.displayName}
        </Link>
      ),
    },
    { id: 'connector', header: 'Connector', cell: (i) => i.connector.displayName },
    { id: 'region', header: 'Region', cell: (i) => i.connector.tenant.region },
    {
      id: 'wave',
      header: 'Wave',
      align: 'right',
      cell: (i) => (i.wave === 0 && c.waves.length > 1 ? 'Canary' : String(i.wave + 1)),
    },
    { id: 'state', header: 'State', cell: (i) => <Badge tone={ITEM_TONE[i.state]}>{i.state.toLowerCase()}</Badge> },
    {
      id: 'rotation',
      header: 'Rotation',
      cell: (i) =>
        i.rotation ? (
          <Link
            href={`/rotations/${i.rotation.id}`}
            prefetch={false}
            className="inline-flex items-center gap-2 underline-offset-2 hover:underline"
            aria-label={`Rotation of ${i.connector.displayName}: ${i.rotation.state.toLowerCase().replace(/_/g, ' ')}`}
          >
            <StatusChip status={i.rotation.state} kind="rotation" size="sm" />
            <span className="text-xs text-fg-muted">{i.rotation.step}</span>
          </Link>
        ) : (
          '—'
        ),
    },
    {
      id: 'message',
      header: 'Message',
      className: 'max-w-80',
      cell: (i) => (
        <span className="line-clamp-2 text-xs text-fg-muted">{i.rotation?.errorMessage ?? i.message ?? ''}</span>
      ),
    },
    { id: 'updated', header: 'Updated', defaultHidden: true, cell: (i) => formatDateTime(i.updatedAt) },
  ];

  return (
    <>
      <PageHeader
        title={
          <span className="inline-flex flex-wrap items-center gap-3">
            {c.name}
            <Badge tone={progress.outcome.tone} data-testid="campaign-state">
              {progress.outcome.label}
            </Badge>
          </span>
        }
        description={`${c.mode === 'reestablish' ? 'Re-establish (delete first)' : 'Rotate'} · ${formatNumber(t.total)} connectors · concurrency ${c.concurrency} · created by ${c.createdById ? (names.get(c.createdById) ?? 'a removed user') : 'Rekey'} ${formatDateTime(c.createdAt)}`}
        breadcrumbs={[{ href: '/campaigns', label: 'Campaigns' }]}
        actions={
          <div className="flex flex-col items-end gap-2">
            <CampaignControls
              campaignId={c.id}
              state={c.state}
              canOperate={canOperate}
              canApprove={canApprove}
              failed={progress.outcome.retryable}
              total={t.total}
              startConfirmText={
                startNeedsTypedConfirmation(c.mode, t.total, DEFAULT_APPROVAL_THRESHOLD)
                  ? START_CONFIRM_TEXT
                  : undefined
              }
            />
            <LinkButton href={`/campaigns/${c.id}/export`} prefetch={false} size="sm" variant="ghost">
              Export results (CSV)
            </LinkButton>
            {canOperate ? (
              <LinkButton href={`/invitations?campaign=${c.id}`} size="sm" variant="ghost">
                Invite customers to rotate
              </LinkButton>
            ) : null}
          </div>
        }
      />

      {firstParam(sp.created) ? (
        <Alert tone="success" className="mb-4" title="Campaign created">
          {c.state === 'AWAITING_APPROVAL'
            ? 'A second admin must approve it before it can start.'
            : 'Check the plan below, then start it.'}
        </Alert>
      ) : null}
      {c.state === 'AWAITING_APPROVAL' ? (
        <Alert tone="warning" className="mb-4" title="Awaiting approval">
          A fleet-wide admin other than the creator must approve this campaign before it can start.
        </Alert>
      ) : null}
      {progress.outcome.kind === 'finished_with_exceptions' || progress.outcome.kind === 'cancelled' ? (
        <Alert
          tone={progress.outcome.kind === 'cancelled' ? 'info' : 'danger'}
          className="mb-4"
          title={
            progress.outcome.kind === 'cancelled'
              ? 'Cancelled'
              : `Finished with ${formatNumber(progress.outcome.exceptions)} exception${progress.outcome.exceptions === 1 ? '' : 's'}`
          }
        >
          Not every connector of this campaign is on its new certificate: {progress.outcome.summary} (of{' '}
          {formatNumber(progress.outcome.total)}).
          {progress.outcome.retryable > 0 && c.state !== 'CANCELLED'
            ? ' Retry the failed, cancelled and needs-attention items with the button above.'
            : ''}
        </Alert>
      ) : null}
      {t.needsAttention > 0 ? (
        <Alert
          tone="warning"
          className="mb-4"
          title={`${formatNumber(t.needsAttention)} rotation${t.needsAttention === 1 ? ' needs' : 's need'} attention`}
        >
          <Link
            className="underline"
            href={`${hrefWith(`/campaigns/${c.id}`, {}, { state: 'attention' })}#campaign-items`}
          >
            Show them
          </Link>
        </Alert>
      ) : null}

      {t.awaitingCutover > 0 ? (
        <Alert
          tone="info"
          className="mb-4"
          title={`${formatNumber(t.awaitingCutover)} rotation${t.awaitingCutover === 1 ? ' waits' : 's wait'} for the vendor’s cutover`}
        >
          The new key is in place and verified; the old key stays until the vendor’s service signs in with the new one,
          someone confirms on the rotation’s page, or the wait’s deadline passes. Not done, not failed, and not counted
          in the ETA.
        </Alert>
      ) : null}

      <section aria-label="Progress" className="mb-6 space-y-4">
        <div className="flex items-center justify-between gap-3">
          <h2 className="text-sm font-semibold">Overall progress</h2>
          {live ? <LiveRefresh /> : null}
        </div>
        <ProgressBar
          value={t.done}
          max={t.total}
          label="Campaign progress"
          showLabel
          // "Finished" counts every item that stopped, rotated or not; "rotated" says how many moved (a
          // cancelled campaign is 100 % finished and 0 rotated, never "100 % done").
          valueText={`${formatPercent(t.doneShare)} — ${formatNumber(t.done)} of ${formatNumber(t.total)} finished, ${formatNumber(t.SUCCEEDED)} rotated`}
          tone={progress.outcome.exceptions ? 'warning' : progress.outcome.kind === 'completed' ? 'success' : 'accent'}
        />
        <p className="text-xs text-fg-muted" data-testid="campaign-outcome">
          {progress.outcome.summary}
        </p>
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-5">
          <Stat
            label="Succeeded"
            value={formatNumber(t.SUCCEEDED)}
            tone={t.SUCCEEDED ? 'success' : 'default'}
            // Read in the tenant after the rotation, while the campaign runs and before it says done.
            detail={
              t.SUCCEEDED
                ? `${formatNumber(progress.verifiedInTenant)} of ${formatNumber(t.SUCCEEDED)} verified in the tenant`
                : undefined
            }
          />
          <Stat
            label="Failed"
            value={formatNumber(t.FAILED)}
            tone={t.FAILED ? 'danger' : 'default'}
            href={t.FAILED ? hrefWith(`/campaigns/${c.id}`, {}, { state: 'FAILED' }) : undefined}
          />
          <Stat
            label="Throughput"
            value={`${progress.throughput.perMinute.toFixed(1)}/min`}
            detail={`${formatNumber(progress.throughput.last15m)} in the last 15 min`}
          />
          <Stat
            label="ETA"
            value={
              (c.state === 'RUNNING' || c.state === 'PAUSED') &&
              progress.outcome.progressing === 0 &&
              progress.outcome.counts.needsAttention > 0
                ? 'Waiting for attention'
                : c.state === 'PAUSED'
                  ? 'Paused'
                  : progress.etaAt
                    ? formatDateTime(progress.etaAt)
                    : c.state === 'FINISHED'
                      ? 'Done'
                      : '—'
            }
            detail={
              progress.etaMinutes !== null && progress.outcome.progressing > 0
                ? `in ~${Math.ceil(progress.etaMinutes)} min`
                : progress.elapsedMs !== null
                  ? `${formatDuration(progress.elapsedMs)} elapsed`
                  : 'Not started'
            }
          />
          <Stat
            label="Deadline"
            value={RISK[progress.deadlineRisk]?.label ?? progress.deadlineRisk}
            detail={c.deadline ? formatDateTime(c.deadline) : undefined}
            tone={RISK[progress.deadlineRisk]?.tone ?? 'default'}
          />
        </div>
      </section>

      <div className="mb-6 grid grid-cols-1 gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Waves</CardTitle>
            <CardDescription>
              The canary wave runs first; a failure in it pauses the campaign before the rest start.
            </CardDescription>
          </CardHeader>
          <CardBody>
            <StackedBar
              label="Items per wave by state"
              keys={ITEM_KEYS}
              rows={progress.byWave.map((w) => ({
                key: String(w.wave),
                label: `${w.wave === 0 && c.waves.length > 1 ? 'Canary' : `Wave ${w.wave + 1}`}${w.current && c.state === 'RUNNING' ? ' (current)' : ''} · ${formatPercent(w.doneShare)}`,
                href: hrefWith(`/campaigns/${c.id}`, {}, { wave: String(w.wave) }),
                values: Object.fromEntries(ITEM_KEYS.map((k) => [k.key, w[k.key as ItemState]])),
              }))}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Regions</CardTitle>
            <CardDescription>Each region&apos;s progress and the certificate its connectors move to.</CardDescription>
          </CardHeader>
          <CardBody className="space-y-4">
            {progress.byRegion.map((r) => (
              <div key={r.region} className="space-y-1">
                <div className="flex items-baseline justify-between gap-3 text-xs">
                  <Link
                    href={hrefWith(`/campaigns/${c.id}`, {}, { region: r.region })}
                    className="font-medium hover:underline"
                  >
                    {r.region}
                  </Link>
                  <span className="text-fg-muted">
                    {formatNumber(r.done)} / {formatNumber(r.total)}
                    {r.certificateId ? (
                      <>
                        {' '}
                        ·{' '}
                        <Link className="underline" href={`/certificates/${r.certificateId}`}>
                          {r.sha1Thumbprint?.slice(0, 12)}…
                        </Link>
                      </>
                    ) : null}
                  </span>
                </div>
                <ProgressBar
                  value={r.done}
                  max={r.total}
                  label={`${r.region} progress`}
                  size="sm"
                  tone={r.FAILED ? 'warning' : 'accent'}
                />
              </div>
            ))}
          </CardBody>
        </Card>
      </div>

      <Card className="mb-6">
        <CardHeader>
          <CardTitle>Plan</CardTitle>
        </CardHeader>
        <CardBody>
          <DescriptionList
            columns={2}
            items={[
              {
                term: 'Waves',
                value: c.waves
                  .map(
                    (w, i) =>
                      `${i === 0 && c.waves.length > 1 ? 'canary' : `wave ${i + 1}`}: ${w.size === null ? 'the rest' : w.size !== undefined ? w.size : formatPercent((w.percent ?? 0) / 100)}`,
                  )
                  .join(' · '),
              },
              {
                term: 'Approval',
                value: c.requiresApproval
                  ? c.approvedAt
                    ? `Approved by ${(c.approvedById && names.get(c.approvedById)) || 'an admin'} ${formatDateTime(c.approvedAt)}`
                    : 'Required, not yet given'
                  : 'Not required',
              },
              { term: 'Started', value: c.startedAt ? formatDateTime(c.startedAt) : '—' },
              { term: 'Finished', value: c.finishedAt ? formatDateTime(c.finishedAt) : '—' },
            ]}
          />
        </CardBody>
      </Card>

      <div id="campaign-items" tabIndex={-1} className="scroll-mt-4 outline-none">
        <DataTable
          caption="Connectors in this campaign"
          columns={columns}
          rows={items.rows}
          getRowId={(i) => i.id}
          pathname={`/campaigns/${c.id}`}
          searchParams={sp}
          pagination={{ page: items.page, pageSize: items.pageSize, total: items.total }}
          toolbar={
            <form
              action={`/campaigns/${c.id}`}
              method="get"
              className="flex flex-wrap items-end gap-2"
              aria-label="Filter the connectors"
            >
              <FilterSelect
                label="State"
                name="state"
                value={stateFilter ?? ''}
                options={[
                  { value: '', label: 'All states' },
                  { value: 'attention', label: 'Needs attention' },
                  ...ITEM_STATES.map((s) => ({ value: s, label: s.toLowerCase() })),
                ]}
              />
              <FilterSelect
                label="Wave"
                name="wave"
                value={waveFilter ?? ''}
                options={[
                  { value: '', label: 'All waves' },
                  ...c.waves.map((_, i) => ({
                    value: String(i),
                    label: i === 0 && c.waves.length > 1 ? 'Canary' : `Wave ${i + 1}`,
                  })),
                ]}
              />
              <FilterSelect
                label="Region"
                name="region"
                value={regionFilter ?? ''}
                options={[
                  { value: '', label: 'All regions' },
                  ...progress.byRegion.map((r) => ({ value: r.region, label: r.region })),
                ]}
              />
              <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
                Tenant or connector
                <input
                  name="q"
                  defaultValue={q}
                  className="h-8 w-48 rounded-md border border-border bg-surface px-2 text-sm text-fg"
                />
              </label>
              <Button type="submit" size="sm" variant="secondary">
                Filter
              </Button>
            </form>
          }
          empty="No connector matches these filters."
        />
      </div>
    </>
  );
}
