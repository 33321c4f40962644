import type { Metadata } from 'next';
import Link from 'next/link';
import { BarChart } from '@/components/charts/bar-chart';
import { Histogram } from '@/components/charts/histogram';
import { LineChart } from '@/components/charts/line-chart';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { LinkButton } from '@/components/ui/link-button';
import { Select } from '@/components/ui/select';
import { Stat } from '@/components/ui/stat';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/context';
import { parseFleetFilters } from '@/lib/fleet/fleet-filters';
import { listFilterOptionsFor } from '@/lib/fleet/list-filter-options';
import { getSecurityReportFor } from '@/lib/reports/get-security-report';
import { firstParam, formatDateTime, formatNumber, formatPercent, hrefWith } from '@/lib/utils';
import { FleetFilterForm } from '../../_components/fleet-filter-form';
import { PrintButton } from './_components/print-button';
import { ReportPrintStyles } from './_components/print-styles';

export const metadata: Metadata = { title: 'Security report · Rekey' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const WINDOWS = [7, 30, 90, 365];
const SEVERITY_TONE = {
  critical: 'danger',
  high: 'warning',
  medium: 'caution',
  low: 'info',
  unattributed: 'neutral',
} as const;
const hours = (h: number | null) => (h === null ? '—' : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`);

export default async function SecurityReportPage({ searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const sp = await searchParams;
  const filters = parseFleetFilters(sp);
  const daysParam = Number(firstParam(sp.days));
  const days = WINDOWS.includes(daysParam) ? daysParam : 30;
  const [r, options] = await Promise.all([getSecurityReportFor(ctx, { days, filters }), listFilterOptionsFor(ctx)]);
  const keep = {
    region: filters.region,
    group: filters.group,
    connectorTypeId: filters.connectorTypeId,
    days: String(days),
  };
  const s = r.summary;

  return (
    <div className="rekey-report">
      <ReportPrintStyles />
      <PageHeader
        title="Security report"
        description={`Exposure and remediation of connector certificates over the last ${days} days. Generated ${formatDateTime(r.generatedAt)}.`}
        actions={
          <div className="flex flex-wrap items-center gap-2 print:hidden">
            <PrintButton />
            <LinkButton
              href={hrefWith('/reports/security/export', keep, {})}
              prefetch={false}
              size="sm"
              variant="secondary"
            >
              Export CSV
            </LinkButton>
          </div>
        }
      />
      <div className="mb-6 print:hidden">
        <FleetFilterForm action="/reports/security" filters={filters} options={options} extra={{}} />
        <form action="/reports/security" method="get" className="mt-3 flex items-end gap-2" aria-label="Report window">
          {Object.entries({
            region: filters.region,
            group: filters.group,
            connectorTypeId: filters.connectorTypeId,
          }).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
          <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
            Window
            <Select
              name="days"
              defaultValue={String(days)}
              options={WINDOWS.map((d) => ({ value: String(d), label: `Last ${d} days` }))}
            />
          </label>
          <Button type="submit" size="sm" variant="secondary">
            Apply
          </Button>
        </form>
      </div>
      <p className="mb-4 hidden text-sm print:block">
        Filters: {filters.region ? `region ${filters.region}` : 'all regions'},{' '}
        {filters.group ? `group ${filters.group}` : 'all groups'}
        {filters.connectorTypeId
          ? `, connector type ${options.connectorTypes.find((t) => t.id === filters.connectorTypeId)?.name ?? filters.connectorTypeId}`
          : ', all connector types'}
        .
      </p>

      <section aria-label="Summary" className="mb-6 grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-7">
        <Stat
          label="Rotated share"
          value={formatPercent(s.rotatedShare)}
          detail={`${formatNumber(s.remediated)} of ${formatNumber(s.population)} exposed connectors remediated${
            s.verifiedAtRotation
              ? `; ${formatNumber(s.verifiedAtRotation)} rotated by the customer’s admin: verified at rotation, not rescanned`
              : ''
          }`}
          tone={s.population > 0 && s.rotatedShare === 1 ? 'success' : 'default'}
        />
        <Stat
          label="Still exposed"
          value={formatNumber(s.exposedNow)}
          tone={s.exposedNow ? 'danger' : 'success'}
          href={hrefWith(
            '/connectors',
            { region: filters.region, group: filters.group, connectorTypeId: filters.connectorTypeId },
            { status: 'exposed' },
          )}
        />
        <Stat
          label="Targeted tenants"
          value={formatNumber(s.targetedTenants)}
          tone={s.targetedTenants ? 'danger' : 'default'}
        />
        <Stat
          label="No access"
          value={formatNumber(s.noAccessTenants)}
          detail={
            s.exposedUnreadable
              ? `Tenants Rekey cannot read; ${formatNumber(s.exposedUnreadable)} exposed connector${s.exposedUnreadable === 1 ? '' : 's'} last known there (counted above)`
              : 'Tenants Rekey cannot read (consent missing or scan refused)'
          }
          tone={s.noAccessTenants ? 'danger' : 'default'}
          href={hrefWith('/tenants', { region: filters.region, group: filters.group }, { access: 'no_access' })}
        />
        <Stat
          label="Not scanned recently"
          value={formatNumber(s.notScannedRecentlyTenants)}
          detail={`Tenants not scanned successfully in ${formatNumber(s.maxScanAgeHours)} h`}
          tone={s.notScannedRecentlyTenants ? 'warning' : 'default'}
          href={hrefWith(
            '/tenants',
            { region: filters.region, group: filters.group },
            { access: 'not_scanned_recently' },
          )}
        />
        <Stat label="Median time to remediate" value={hours(s.medianHoursToRemediate)} />
        <Stat label="90th percentile" value={hours(s.p90HoursToRemediate)} />
      </section>

      <div className="mb-6 grid gap-6 xl:grid-cols-2">
        <Card className="rekey-card">
          <CardHeader>
            <CardTitle>Rotated share over time</CardTitle>
            <CardDescription>
              Exposed connectors remediated by the end of each day (a remediation that did not last counts as
              outstanding).
            </CardDescription>
          </CardHeader>
          <CardBody>
            <LineChart
              label="Rotated share of exposed connectors by day"
              area
              zeroBased
              yFormat={(n) => formatPercent(n, 0)}
              series={[
                {
                  key: 'share',
                  name: 'Rotated share',
                  points: r.rotatedShareByDay.map((d) => ({ x: d.day, y: d.share })),
                },
              ]}
            />
          </CardBody>
        </Card>
        <Card className="rekey-card">
          <CardHeader>
            <CardTitle>Time to remediate</CardTitle>
            <CardDescription>
              From the advisory (or the rotation&apos;s start when none names the certificate) to the rotation&apos;s
              finish · {formatNumber(r.timeToRemediate.count)} rotations.
            </CardDescription>
          </CardHeader>
          <CardBody>
            <Histogram
              label="Time to remediate"
              unit="rotations"
              bins={r.timeToRemediate.buckets.map((b) => ({ label: b.label, count: b.count }))}
            />
          </CardBody>
        </Card>
      </div>

      <Card className="rekey-card mb-6">
        <CardHeader>
          <CardTitle>Outstanding by severity</CardTitle>
          <CardDescription>
            Connectors still exposed, under the worst advisory that names their certificate.
          </CardDescription>
        </CardHeader>
        <CardBody className="grid gap-6 lg:grid-cols-2">
          <BarChart
            label="Outstanding connectors by severity"
            bars={r.outstandingBySeverity.map((o) => ({
              key: o.severity,
              label: o.severity,
              value: o.connectors,
              tone: SEVERITY_TONE[o.severity],
            }))}
          />
          <TableContainer label="Outstanding by severity">
            <Table>
              <THead>
                <tr>
                  <TH>Severity</TH>
                  <TH align="right">Connectors</TH>
                  <TH align="right">Of which targeted</TH>
                  <TH align="right">Tenants</TH>
                </tr>
              </THead>
              <TBody>
                {r.outstandingBySeverity.map((o) => (
                  <TR key={o.severity}>
                    <TD className="font-medium capitalize">{o.severity}</TD>
                    <TD align="right">{formatNumber(o.connectors)}</TD>
                    <TD align="right">{formatNumber(o.targeted)}</TD>
                    <TD align="right">{formatNumber(o.tenants)}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </TableContainer>
        </CardBody>
      </Card>

      <Card className="rekey-card">
        <CardHeader>
          <CardTitle>Targeted tenants</CardTitle>
          <CardDescription>
            Tenants whose sign-in logs show the vendor credential used from addresses outside the vendor&apos;s known
            ranges. Open a tenant for its evidence pack.
          </CardDescription>
        </CardHeader>
        <CardBody>
          {r.targetedTenants.length === 0 ? (
            <EmptyState
              title="No targeted tenants"
              description="No sign-in from an unknown address in this scope."
              icon="shield"
            />
          ) : (
            <TableContainer label="Targeted tenants">
              <Table>
                <THead>
                  <tr>
                    <TH>Tenant</TH>
                    <TH>Region</TH>
                    <TH>First seen</TH>
                    <TH>Last seen</TH>
                    <TH>Addresses</TH>
                    <TH align="right">Sign-ins</TH>
                    <TH align="right">Succeeded</TH>
                    <TH align="right">Connectors</TH>
                  </tr>
                </THead>
                <TBody>
                  {r.targetedTenants.map((t) => (
                    <TR key={t.tenantId}>
                      <TD>
                        <Link
                          className="font-medium underline-offset-2 hover:underline"
                          href={`/reports/security/tenants/${t.tenantId}`}
                        >
                          {t.tenantName}
                        </Link>
                      </TD>
                      <TD>{t.region}</TD>
                      <TD>{formatDateTime(t.firstAt)}</TD>
                      <TD>{formatDateTime(t.lastAt)}</TD>
                      <TD className="font-mono text-xs">
                        {t.ipAddresses.slice(0, 4).join(', ')}
                        {t.ipAddresses.length > 4 ? ` +${t.ipAddresses.length - 4}` : ''}
                      </TD>
                      <TD align="right">{formatNumber(t.signIns)}</TD>
                      <TD align="right">
                        {t.successfulSignIns ? (
                          <span className="font-medium text-danger">{formatNumber(t.successfulSignIns)}</span>
                        ) : (
                          '0'
                        )}
                      </TD>
                      <TD align="right">{formatNumber(t.connectors)}</TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </TableContainer>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
