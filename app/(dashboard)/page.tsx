import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { AreaChart } from '@/components/charts/line-chart';
import { BarChart } from '@/components/charts/bar-chart';
import { DonutChart } from '@/components/charts/donut-chart';
import { PageHeader } from '@/components/shell/page-header';
import { CONNECTOR_STATUS } from '@/components/status/status-chip';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody, CardHeader, CardTitle, CardDescription } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Stat } from '@/components/ui/stat';
import { pageContext } from '@/lib/auth/context';
import { parseFleetFilters } from '@/lib/fleet/fleet-filters';
import { getFleetOverviewFor } from '@/lib/fleet/get-fleet-overview';
import { listFilterOptionsFor } from '@/lib/fleet/list-filter-options';
import { CONNECTOR_STATUS_VALUES } from '@/lib/fleet/statuses';
import { formatNumber, formatPercent, formatRelativeTime, hrefWith, shareOf } from '@/lib/utils';
import { FleetFilterForm } from './_components/fleet-filter-form';

export const metadata: Metadata = { title: 'Overview · Rekey' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function OverviewPage({ searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const { now } = ctx;
  const sp = await searchParams;
  const filters = parseFleetFilters(sp);
  const [o, options] = await Promise.all([getFleetOverviewFor(ctx, { filters }), listFilterOptionsFor(ctx)]);
  const keep = { region: filters.region, group: filters.group, connectorTypeId: filters.connectorTypeId };
  const connectorsHref = (extra: Record<string, string>) => hrefWith('/connectors', keep, extra);
  // Every active rotation, needs attention included: exactly the rows of /rotations?state=active.
  const inFlight = Object.values(o.rotationsInFlight).reduce((a, b) => a + b, 0);
  // The rotations list has no region/group/type filter: link a rotation figure only when it counts the same rows.
  const rotationLinks = !filters.region && !filters.group && !filters.connectorTypeId;
  const remediated = o.burnDown.length ? (o.burnDown[0]?.exposed ?? 0) - o.exposedConnectors : 0;

  return (
    <>
      <PageHeader
        title="Overview"
        description="Connector certificates across your tenants: what is exposed, what is being rotated, and what needs you."
        actions={<FleetFilterForm action="/" filters={filters} options={options} />}
      />

      {o.targetedTenantCount > 0 ? (
        <Alert
          tone="danger"
          title={`${formatNumber(o.targetedTenantCount)} tenant${o.targetedTenantCount === 1 ? ' was' : 's were'} targeted with a compromised certificate`}
          className="mb-6"
        >
          <p>
            Sign-in logs show the compromised credential used from addresses outside the vendor&apos;s known ranges.
            Re-establish these connections first.
          </p>
          <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
            {o.targetedTenants.map((t) => (
              <li key={t.id}>
                <Link className="font-medium underline" href={`/tenants/${t.id}`} prefetch={false}>
                  {t.displayName}
                </Link>
              </li>
            ))}
            {o.targetedTenantCount > o.targetedTenants.length ? (
              <li>
                <Link className="underline" href={connectorsHref({ status: 'targeted' })} prefetch={false}>
                  and {o.targetedTenantCount - o.targetedTenants.length} more
                </Link>
              </li>
            ) : null}
          </ul>
        </Alert>
      ) : null}

      <section aria-label="Key figures" className="mb-6 grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-7">
        <Stat label="Tenants" value={formatNumber(o.tenants)} href={hrefWith('/tenants', keep, {})} />
        <Stat label="Connectors" value={formatNumber(o.connectors)} href={connectorsHref({})} />
        <Stat
          label="Exposed connectors"
          value={formatNumber(o.exposedConnectors)}
          detail={
            o.connectors
              ? `${formatPercent(shareOf(o.exposedConnectors, o.connectors))} of connectors on a compromised certificate (targeted or not)${o.access.exposedUnreadable ? `; ${formatNumber(o.access.exposedUnreadable)} last known in tenants Rekey cannot read now` : ''}`
              : undefined
          }
          tone={o.exposedConnectors ? 'danger' : 'default'}
          href={connectorsHref({ status: 'exposed' })}
        />
        <Stat
          label="No access"
          value={formatNumber(o.access.noAccess)}
          detail="Tenants whose consent is missing or whose last scan was refused"
          tone={o.access.noAccess ? 'danger' : 'default'}
          href={hrefWith('/tenants', keep, { access: 'no_access' })}
        />
        <Stat
          label="Not scanned recently"
          value={formatNumber(o.access.notScannedRecently)}
          detail={`Tenants never scanned or not scanned successfully in ${formatNumber(o.access.maxScanAgeHours)} h`}
          tone={o.access.notScannedRecently ? 'warning' : 'default'}
          href={hrefWith('/tenants', keep, { access: 'not_scanned_recently' })}
        />
        <Stat
          label="Rotations in flight"
          value={formatNumber(inFlight)}
          detail={
            o.rotationsInFlight.NEEDS_ATTENTION
              ? `including ${formatNumber(o.rotationsInFlight.NEEDS_ATTENTION)} that need attention`
              : undefined
          }
          href={rotationLinks ? '/rotations?state=active' : undefined}
        />
        <Stat
          label="Need attention"
          value={formatNumber(o.rotationsInFlight.NEEDS_ATTENTION)}
          tone={o.rotationsInFlight.NEEDS_ATTENTION ? 'warning' : 'default'}
          href={rotationLinks ? '/rotations?state=NEEDS_ATTENTION' : undefined}
        />
      </section>

      {o.connectors === 0 ? (
        <EmptyState
          title="No connectors yet"
          description="Add tenants and scan them to discover their vendor connectors."
          icon="building"
        />
      ) : (
        // A hydration boundary (nothing suspends): the charts hydrate in their own interruptible pass.
        <Suspense>
          <div className="grid gap-6 xl:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>Connectors by status</CardTitle>
                <CardDescription>Each status links to the matching connectors.</CardDescription>
              </CardHeader>
              <CardBody>
                <DonutChart
                  label="Connectors by status"
                  centerValue={formatNumber(o.connectors)}
                  centerLabel="connectors"
                  segments={CONNECTOR_STATUS_VALUES.map((s) => ({
                    key: s,
                    label: CONNECTOR_STATUS[s].label,
                    value: o.byStatus[s],
                    tone: CONNECTOR_STATUS[s].tone,
                    href: connectorsHref({ status: s }),
                  }))}
                />
              </CardBody>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Remediation burn-down</CardTitle>
                <CardDescription>
                  Connectors on a compromised certificate, last 30 days
                  {remediated > 0 ? ` · ${formatNumber(remediated)} remediated` : ''}.
                </CardDescription>
              </CardHeader>
              <CardBody>
                <AreaChart
                  label="Exposed connectors per day, last 30 days"
                  series={[
                    {
                      name: 'Exposed connectors',
                      tone: 'danger',
                      points: o.burnDown.map((d) => ({ x: d.day, y: d.exposed })),
                    },
                  ]}
                />
              </CardBody>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Exposure by region</CardTitle>
              </CardHeader>
              <CardBody>
                <BarChart
                  label="Exposed connectors by region"
                  bars={o.byRegion.map((r) => ({
                    key: r.region,
                    label: `${r.region} (${formatNumber(r.total)})`,
                    value: r.exposed,
                    tone: 'danger',
                    href: connectorsHref({ region: r.region, status: 'exposed' }),
                  }))}
                />
              </CardBody>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Exposure by connector type</CardTitle>
              </CardHeader>
              <CardBody>
                <BarChart
                  label="Exposed connectors by connector type"
                  bars={o.byConnectorType.map((t) => ({
                    key: t.id,
                    label: `${t.name} (${formatNumber(t.total)})`,
                    value: t.exposed,
                    tone: 'danger',
                    href: connectorsHref({ connectorTypeId: t.id, status: 'exposed' }),
                  }))}
                />
              </CardBody>
            </Card>
          </div>
        </Suspense>
      )}

      {o.needsAttention.length > 0 ? (
        <Card className="mt-6">
          <CardHeader>
            <CardTitle>Rotations that need you</CardTitle>
            <CardDescription>Stopped safely; each says what happened and what to do.</CardDescription>
          </CardHeader>
          <CardBody>
            <ul className="divide-y divide-border">
              {o.needsAttention.map((r) => (
                <li key={r.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                  <Link
                    href={`/rotations/${r.id}`}
                    prefetch={false}
                    className="font-medium underline-offset-2 hover:underline"
                  >
                    {r.tenantName} · {r.connectorName}
                  </Link>
                  <span className="text-sm text-fg-muted">{r.errorMessage ?? 'Needs attention'}</span>
                  <span className="text-xs text-fg-subtle">{formatRelativeTime(r.since, now)}</span>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      ) : null}
    </>
  );
}
