import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { CodeBlock, Mono } from '@/components/ui/code-block';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DescriptionList } from '@/components/ui/description-list';
import { Dialog, DialogCloseButton } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { LinkButton } from '@/components/ui/link-button';
import { Pagination } from '@/components/ui/pagination';
import { ProgressBar } from '@/components/ui/progress-bar';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { Stat } from '@/components/ui/stat';
import { Steps } from '@/components/ui/steps';
import { TabLinks } from '@/components/ui/tab-links';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { Tabs } from '@/components/ui/tabs';
import { Textarea } from '@/components/ui/textarea';
import { BarChart } from '@/components/charts/bar-chart';
import { DonutChart } from '@/components/charts/donut-chart';
import { Histogram } from '@/components/charts/histogram';
import { AreaChart, LineChart } from '@/components/charts/line-chart';
import { Sparkline } from '@/components/charts/sparkline';
import { StackedBar } from '@/components/charts/stacked-bar';
import { StatusChip, CONNECTOR_STATUS, ROTATION_STATE, CONSENT_STATE } from '@/components/status/status-chip';
import { DataTable, type DataTableColumn } from '@/components/tables/data-table';
import { parseTableParams } from '@/components/tables/table-params';
import { AppShell } from '@/components/shell/app-shell';
import { PageHeader } from '@/components/shell/page-header';
import { cn, formatDate, formatNumber, formatRelativeTime, hrefWith, type SearchParams } from '@/lib/utils';

export const metadata: Metadata = { title: 'UI gallery', robots: { index: false } };

const NOW = new Date('2026-03-04T12:00:00Z');
const DAY = 86_400_000;

async function demoAction(formData: FormData) {
  'use server';
  // Gallery only: nothing is written. Shows which fields a real action would receive.
  void formData;
}

type Row = {
  id: string;
  tenant: string;
  domain: string;
  status: string;
  consent: string;
  expires: Date;
  connectors: number;
};
const ROWS: Row[] = [
  {
    id: 't-001',
    tenant: 'Contoso Ltd',
    domain: 'contoso.onmicrosoft.com',
    status: 'compromised',
    consent: 'consented',
    expires: new Date(NOW.getTime() + 41 * DAY),
    connectors: 3,
  },
  {
    id: 't-002',
    tenant: 'Fabrikam Inc',
    domain: 'fabrikam.com',
    status: 'expiring',
    consent: 'consented',
    expires: new Date(NOW.getTime() + 6 * DAY),
    connectors: 1,
  },
  {
    id: 't-003',
    tenant: 'Northwind Traders',
    domain: 'northwind.onmicrosoft.com',
    status: 'healthy',
    consent: 'missing_permissions',
    expires: new Date(NOW.getTime() + 300 * DAY),
    connectors: 2,
  },
  {
    id: 't-004',
    tenant: 'Tailspin Toys',
    domain: 'tailspin.io',
    status: 'drift',
    consent: 'not_consented',
    expires: new Date(NOW.getTime() + 120 * DAY),
    connectors: 1,
  },
  {
    id: 't-005',
    tenant: 'Woodgrove Bank',
    domain: 'woodgrove.com',
    status: 'targeted',
    consent: 'error',
    expires: new Date(NOW.getTime() - 2 * DAY),
    connectors: 4,
  },
];

const COLUMNS: DataTableColumn<Row>[] = [
  {
    id: 'tenant',
    header: 'Tenant',
    sortable: true,
    hideable: false,
    cell: (r) => (
      <div className="min-w-0">
        <a href={`/tenants/${r.id}`} className="font-medium text-fg hover:underline">
          {r.tenant}
        </a>
        <p className="truncate text-xs text-fg-muted">{r.domain}</p>
      </div>
    ),
  },
  { id: 'status', header: 'Status', sortable: true, cell: (r) => <StatusChip status={r.status} kind="connector" /> },
  { id: 'consent', header: 'Consent', cell: (r) => <StatusChip status={r.consent} kind="consent" size="sm" /> },
  { id: 'connectors', header: 'Connectors', sortable: true, align: 'right', cell: (r) => formatNumber(r.connectors) },
  {
    id: 'expires',
    header: 'Expires',
    sortable: true,
    firstDir: 'asc',
    cell: (r) => (
      <time
        dateTime={r.expires.toISOString()}
        title={formatDate(r.expires)}
        className={cn(r.expires < NOW && 'text-danger')}
      >
        {formatRelativeTime(r.expires, NOW)}
      </time>
    ),
  },
  { id: 'id', header: 'Tenant ID', defaultHidden: true, cell: (r) => <Mono>{r.id}</Mono> },
];

function sortRows(rows: Row[], sort: string | undefined, dir: 'asc' | 'desc') {
  if (!sort) return rows;
  const key = sort as keyof Row;
  return [...rows].sort((a, b) => {
    const x = a[key],
      y = b[key];
    const c = x < y ? -1 : x > y ? 1 : 0;
    return dir === 'asc' ? c : -c;
  });
}

const burnDown = Array.from({ length: 15 }, (_, i) => ({
  x: new Date(NOW.getTime() - (14 - i) * DAY),
  y: Math.round(1840 * Math.exp(-i / 5) + (i % 3) * 12),
}));
const target = Array.from({ length: 15 }, (_, i) => ({
  x: new Date(NOW.getTime() - (14 - i) * DAY),
  y: Math.max(0, Math.round(1840 - i * 131)),
}));

function Section({ title, children, id }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-3">
      <h2 id={id} className="text-xs font-semibold tracking-wider text-fg-muted uppercase">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Gallery({ sp }: { sp: SearchParams }) {
  const { sort, dir } = parseTableParams(sp, ['tenant', 'status', 'connectors', 'expires'], {
    sort: 'expires',
    dir: 'asc',
  });
  const rows = sortRows(ROWS, sort, dir);

  return (
    <div className="space-y-10">
      <PageHeader
        breadcrumbs={[{ href: '/dev/ui', label: 'Dev' }]}
        title="UI gallery"
        description="Every primitive and chart with sample data. Use ?scheme=dark for the dark theme and ?view=shell to see it inside the app shell."
        actions={
          <>
            <LinkButton size="sm" href={hrefWith('/dev/ui', sp, { scheme: sp.scheme === 'dark' ? null : 'dark' })}>
              {sp.scheme === 'dark' ? 'Light preview' : 'Dark preview'}
            </LinkButton>
            <LinkButton
              size="sm"
              variant="primary"
              href={hrefWith('/dev/ui', sp, { view: sp.view === 'shell' ? null : 'shell' })}
            >
              {sp.view === 'shell' ? 'Without shell' : 'Inside shell'}
            </LinkButton>
          </>
        }
      />

      <Section id="s-stats" title="Stats">
        <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
          <Stat
            label="Compromised connectors"
            value={formatNumber(412)}
            tone="danger"
            href="/connectors?status=compromised"
            detail="+38 since advisory RK-2026-03"
            adornment={
              <Sparkline
                label="Compromised, last 14 days"
                values={[12, 40, 90, 160, 220, 260, 300, 330, 360, 380, 395, 404, 410, 412]}
                tone="danger"
              />
            }
          />
          <Stat
            label="Expiring in 30 days"
            value={formatNumber(1287)}
            tone="warning"
            href="/connectors?status=expiring"
            detail="Earliest in 2 days"
          />
          <Stat
            label="Rotations running"
            value="64"
            detail="3 need attention"
            adornment={<Sparkline label="Running rotations" values={[10, 22, 35, 50, 48, 61, 64]} tone="info" />}
          />
          <Stat label="Healthy" value="92.4%" tone="success" detail="9,812 of 10,619 connectors" />
        </div>
      </Section>

      <Section id="s-status" title="Status chips">
        <div className="space-y-2">
          <div className="flex flex-wrap gap-2">
            {Object.keys(CONNECTOR_STATUS).map((s) => (
              <StatusChip key={s} status={s} />
            ))}
          </div>
          <div className="flex flex-wrap gap-2">
            {Object.keys(ROTATION_STATE).map((s) => (
              <StatusChip key={s} status={s} kind="rotation" />
            ))}
            <StatusChip status="SOMETHING_NEW" />
          </div>
          <div className="flex flex-wrap gap-2">
            {Object.keys(CONSENT_STATE).map((s) => (
              <StatusChip key={s} status={s} kind="consent" size="sm" />
            ))}
          </div>
          <div className="flex flex-wrap gap-2">
            {(
              ['neutral', 'accent', 'info', 'success', 'warning', 'caution', 'danger', 'violet', 'fuchsia'] as const
            ).map((t) => (
              <Badge key={t} tone={t}>
                {t}
              </Badge>
            ))}
          </div>
        </div>
      </Section>

      <Section id="s-buttons" title="Buttons">
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="primary">Start rotation</Button>
          <Button>Export CSV</Button>
          <Button variant="danger">Re-establish connection</Button>
          <Button variant="ghost">Cancel</Button>
          <Button size="sm">Small</Button>
          <Button size="lg" variant="primary">
            Large
          </Button>
          <Button disabled>Disabled</Button>
          <LinkButton href="/rotations">Link button</LinkButton>
        </div>
      </Section>

      <Section id="s-charts" title="Charts">
        <div className="grid gap-4 xl:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Connectors by status</CardTitle>
              <CardDescription>10,619 connectors across 3,204 tenants</CardDescription>
            </CardHeader>
            <CardBody>
              <DonutChart
                label="Connectors by status"
                centerLabel="connectors"
                segments={[
                  { label: 'Compromised', value: 412, tone: 'danger', href: '/connectors?status=compromised' },
                  { label: 'Targeted', value: 37, tone: 'fuchsia', href: '/connectors?status=targeted' },
                  { label: 'Expired', value: 58, tone: 'caution', href: '/connectors?status=expired' },
                  { label: 'Expiring', value: 1287, tone: 'warning', href: '/connectors?status=expiring' },
                  { label: 'Drift', value: 96, tone: 'violet', href: '/connectors?status=drift' },
                  { label: 'Healthy', value: 8729, tone: 'success', href: '/connectors?status=healthy' },
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Exposed connectors by product</CardTitle>
              <CardDescription>Compromised or expired, linked to the filtered list</CardDescription>
            </CardHeader>
            <CardBody>
              <BarChart
                label="Exposed connectors by product"
                bars={[
                  { label: 'Mail archiver', value: 214, href: '/connectors?product=archiver', tone: 'danger' },
                  { label: 'Backup agent', value: 133, href: '/connectors?product=backup', tone: 'danger' },
                  { label: 'Signature sync', value: 71, href: '/connectors?product=signature', tone: 'danger' },
                  { label: 'eDiscovery', value: 38, href: '/connectors?product=ediscovery', tone: 'danger' },
                  { label: 'Journaling', value: 9, href: '/connectors?product=journal', tone: 'danger' },
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Remediation burn-down</CardTitle>
              <CardDescription>Open exposures vs. plan, last 15 days</CardDescription>
            </CardHeader>
            <CardBody>
              <LineChart
                label="Open exposures, last 15 days"
                series={[
                  { name: 'Open exposures', points: burnDown, tone: 'danger' },
                  { name: 'Plan', points: target, tone: 'neutral', dashed: true },
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Rotations completed per day</CardTitle>
            </CardHeader>
            <CardBody>
              <AreaChart
                label="Rotations completed per day"
                series={[
                  {
                    name: 'Completed',
                    points: burnDown.map((p, i) => ({ x: p.x, y: 40 + i * 18 + (i % 4) * 9 })),
                    tone: 'accent',
                  },
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Campaign waves</CardTitle>
              <CardDescription>Campaign “Advisory RK-2026-03”</CardDescription>
            </CardHeader>
            <CardBody>
              <StackedBar
                label="Campaign progress by wave"
                keys={[
                  { key: 'done', label: 'Succeeded', tone: 'success' },
                  { key: 'running', label: 'Running', tone: 'info' },
                  { key: 'attention', label: 'Needs attention', tone: 'warning' },
                  { key: 'failed', label: 'Failed', tone: 'danger' },
                  { key: 'pending', label: 'Pending', tone: 'neutral' },
                ]}
                rows={[
                  { label: 'Wave 1 · pilot (50)', href: '/campaigns/c1?wave=1', values: { done: 48, failed: 2 } },
                  {
                    label: 'Wave 2 · EU (1,200)',
                    href: '/campaigns/c1?wave=2',
                    values: { done: 1010, running: 120, attention: 31, failed: 9, pending: 30 },
                  },
                  {
                    label: 'Wave 3 · US (1,954)',
                    href: '/campaigns/c1?wave=3',
                    values: { done: 220, running: 64, pending: 1670 },
                  },
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Time to remediate</CardTitle>
              <CardDescription>From advisory to verified rotation</CardDescription>
            </CardHeader>
            <CardBody>
              <Histogram
                label="Time to remediate"
                unit="connectors"
                tone="accent"
                bins={[
                  { label: '<1h', count: 820 },
                  { label: '1–4h', count: 1430 },
                  { label: '4–12h', count: 610 },
                  { label: '12–24h', count: 240 },
                  { label: '1–3d', count: 130 },
                  { label: '>3d', count: 42 },
                ]}
              />
            </CardBody>
          </Card>
        </div>
      </Section>

      <Section id="s-table" title="Data table (URL-driven)">
        <DataTable
          caption="Tenants"
          columns={COLUMNS}
          rows={rows}
          getRowId={(r) => r.id}
          pathname="/dev/ui"
          searchParams={sp}
          defaultSort={{ sort: 'expires', dir: 'asc' }}
          pagination={{ page: 1, pageSize: 5, total: 3204 }}
          bulk={{
            action: demoAction,
            rowLabel: (r) => r.tenant,
            actions: [
              { label: 'Rotate selected', value: 'rotate', variant: 'primary' },
              { label: 'Re-check consent', value: 'recheck' },
            ],
          }}
          toolbar={
            <form className="flex items-center gap-2" role="search" aria-label="Filter tenants">
              <label htmlFor="gal-filter" className="sr-only">
                Filter
              </label>
              <Input id="gal-filter" name="filter" placeholder="Filter…" className="w-56" />
              <Select
                aria-label="Status"
                name="status"
                className="w-44"
                options={[
                  { value: '', label: 'All statuses' },
                  ...Object.entries(CONNECTOR_STATUS).map(([v, m]) => ({ value: v, label: m.label })),
                ]}
              />
            </form>
          }
        />
        <TableContainer label="Plain table" maxHeight="12rem">
          <Table>
            <THead>
              <tr>
                <TH>Thumbprint (SHA-1)</TH>
                <TH>Subject</TH>
                <TH align="right">Days left</TH>
              </tr>
            </THead>
            <TBody>
              {Array.from({ length: 8 }, (_, i) => (
                <TR key={i}>
                  <TD>
                    <Mono>{`3F9A${i}C7E21B0D44A9E5F1C2B7D8E9A0F1${i}2B3C`}</Mono>
                  </TD>
                  <TD>CN=connector-{i}.vendor.example</TD>
                  <TD align="right">{(i + 1) * 17}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </TableContainer>
        <Pagination page={7} pageSize={50} total={3204} pathname="/dev/ui" searchParams={sp} />
      </Section>

      <Section id="s-forms" title="Forms">
        <Card>
          <CardHeader>
            <CardTitle>New campaign</CardTitle>
            <CardDescription>Field wires label, hint and error to the control.</CardDescription>
          </CardHeader>
          <CardBody className="grid gap-4 md:grid-cols-2">
            <Field id="f-name" label="Campaign name" hint="Shown in the audit log." required>
              {(p) => <Input {...p} name="name" defaultValue="Advisory RK-2026-03" />}
            </Field>
            <Field id="f-conc" label="Concurrency" error="Must be between 1 and 200.">
              {(p) => <Input {...p} name="concurrency" type="number" defaultValue="500" />}
            </Field>
            <Field id="f-mode" label="Rotation mode">
              {(p) => (
                <Select
                  {...p}
                  name="mode"
                  options={[
                    { value: 'rotate', label: 'Rotate key (make-before-break)' },
                    { value: 'reestablish', label: 'Re-establish connection' },
                  ]}
                />
              )}
            </Field>
            <Field id="f-region" label="Certificate per region" hint="PEM, DER or base64.">
              {(p) => <Textarea {...p} name="notes" rows={3} placeholder="-----BEGIN CERTIFICATE-----" />}
            </Field>
            <Checkbox
              name="notify"
              defaultChecked
              label="Notify tenant admins"
              hint="Email each tenant’s contacts when its rotation completes."
            />
            <Checkbox name="dry" label="Dry run" />
          </CardBody>
          <CardFooter>
            <Button variant="ghost">Cancel</Button>
            <Button variant="primary" type="submit">
              Create campaign
            </Button>
          </CardFooter>
        </Card>
      </Section>

      <Section id="s-feedback" title="Alerts, progress, empty, loading">
        <div className="grid gap-3 lg:grid-cols-2">
          <Alert
            tone="danger"
            title="Advisory RK-2026-03: 412 connectors use a compromised certificate"
            live="none"
            action={
              <LinkButton size="sm" href="/campaigns/new">
                Start campaign
              </LinkButton>
            }
          >
            Delete and re-establish affected connections. <Link href="/advisories">Read the advisory</Link>.
          </Alert>
          <Alert tone="warning" title="3 rotations need attention" live="none">
            Waiting for an operator to confirm old-key removal.
          </Alert>
          <Alert tone="success" title="Rotation verified" live="none">
            The new key obtained a token; the old one is rejected.
          </Alert>
          <Alert tone="info" live="none">
            Graph is throttling tenant <Mono>contoso</Mono>; retries are automatic.
          </Alert>
        </div>
        <div className="grid gap-4 md:grid-cols-3">
          <ProgressBar label="Campaign progress" showLabel value={1278} max={3204} valueText="1,278 of 3,204" />
          <ProgressBar label="Wave 1" showLabel value={50} max={50} tone="success" valueText="Done" />
          <ProgressBar label="Failures" showLabel value={9} max={200} tone="danger" size="sm" valueText="9 failed" />
        </div>
        <div className="grid gap-4 md:grid-cols-2">
          <EmptyState
            title="No rotations yet"
            description="Start one from a connector, or run a campaign across many tenants."
            action={
              <LinkButton href="/connectors" variant="primary" size="sm">
                Browse connectors
              </LinkButton>
            }
          />
          <div className="space-y-2 rounded-lg border border-border bg-surface p-4" aria-hidden="true">
            <Skeleton className="h-5 w-40" />
            <Skeleton className="h-4 w-full" />
            <Skeleton className="h-4 w-5/6" />
            <Skeleton className="h-8 w-28" />
          </div>
        </div>
      </Section>

      <Section id="s-wizard" title="Steps, tabs, details, code">
        <div className="grid gap-4 lg:grid-cols-[20rem_1fr]">
          <Card>
            <CardHeader>
              <CardTitle>Rotate key</CardTitle>
              <CardDescription>Contoso · Mail archiver</CardDescription>
            </CardHeader>
            <CardBody>
              <Steps
                label="Rotation steps"
                steps={[
                  { id: 'add', title: 'Add new certificate', description: 'keyCredentials updated', state: 'done' },
                  { id: 'verify', title: 'Verify new key', description: 'Token obtained in 1.2s', state: 'done' },
                  {
                    id: 'remove',
                    title: 'Remove old credential',
                    description: 'Waiting for operator',
                    state: 'current',
                  },
                  { id: 'verify-old', title: 'Verify old key rejected', state: 'pending' },
                ]}
              />
            </CardBody>
          </Card>
          <div className="space-y-4">
            <Card>
              <CardBody>
                <Steps
                  orientation="horizontal"
                  label="Wizard"
                  steps={[
                    { id: '1', title: 'Select', state: 'done' },
                    { id: '2', title: 'Certificate', state: 'done' },
                    { id: '3', title: 'Review', state: 'failed', description: 'Consent missing' },
                    { id: '4', title: 'Run', state: 'pending' },
                  ]}
                />
              </CardBody>
            </Card>
            <TabLinks
              label="Connector sections"
              current="/dev/ui"
              tabs={[
                { href: '/dev/ui', label: 'Overview' },
                { href: '/dev/ui?tab=certs', label: 'Certificates', count: 3 },
                { href: '/dev/ui?tab=audit', label: 'Audit' },
              ]}
            />
            <Tabs
              label="Certificate"
              items={[
                {
                  id: 'details',
                  label: 'Details',
                  content: (
                    <DescriptionList
                      columns={2}
                      items={[
                        { term: 'Subject', value: 'CN=archiver.vendor.example' },
                        { term: 'Issuer', value: 'CN=Vendor Issuing CA 2' },
                        { term: 'Valid from', value: formatDate('2025-03-01') },
                        {
                          term: 'Expires',
                          value: (
                            <span className="text-warning">
                              {formatDate('2026-03-10')} ({formatRelativeTime('2026-03-10', NOW)})
                            </span>
                          ),
                        },
                        { term: 'Key', value: 'RSA 2048' },
                        { term: 'Status', value: <StatusChip status="expiring" size="sm" /> },
                      ]}
                    />
                  ),
                },
                {
                  id: 'pem',
                  label: 'Thumbprints',
                  content: (
                    <CodeBlock
                      title="SHA-256 thumbprint"
                      wrap
                      code="9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08"
                    />
                  ),
                },
                {
                  id: 'ps',
                  label: 'PowerShell',
                  content: (
                    <CodeBlock
                      title="PowerShell"
                      code={
                        'Connect-MgGraph -Scopes Application.ReadWrite.All\nGet-MgApplication -Filter "appId eq \'00000000-0000-0000-0000-000000000000\'" |\n  Select-Object -ExpandProperty KeyCredentials'
                      }
                    />
                  ),
                },
              ]}
            />
          </div>
        </div>
      </Section>

      <Section id="s-dialogs" title="Dialogs">
        <div className="flex flex-wrap gap-2">
          <Dialog
            trigger="Open dialog"
            title="Connector details"
            description="A native modal dialog; Escape closes, focus returns to the trigger."
            footer={
              <>
                <DialogCloseButton />
                <Button variant="primary">Save</Button>
              </>
            }
          >
            <DescriptionList
              items={[
                { term: 'App ID', value: <Mono>2f1c…9a0e</Mono> },
                { term: 'Tenant', value: 'Contoso Ltd' },
              ]}
            />
          </Dialog>
          <ConfirmDialog
            triggerLabel="Re-establish connection"
            title="Delete and recreate this connection?"
            description="The app registration and service principal in Contoso Ltd will be deleted and recreated with the new certificate."
            requireText="contoso"
            confirmLabel="Delete and recreate"
            action={demoAction}
            hiddenFields={{ connectorId: 'c-123' }}
          >
            <Alert tone="warning" live="none">
              The vendor service is offline for this tenant until the new connection is verified (about 2 minutes).
            </Alert>
          </ConfirmDialog>
          <ConfirmDialog
            triggerLabel="Cancel rotation"
            triggerVariant="secondary"
            tone="default"
            title="Cancel this rotation?"
            description="Steps already completed stay in place."
            confirmLabel="Cancel rotation"
            action={demoAction}
          />
        </div>
      </Section>
    </div>
  );
}

/** Component gallery for visual checks: /dev/ui, ?scheme=dark, ?view=shell. */
export default async function UiGalleryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const dark = sp.scheme === 'dark';
  const content = <Gallery sp={sp} />;
  const body =
    sp.view === 'shell' ? (
      <AppShell
        user={{ name: 'Alex Morgan', email: 'alex@msp.example', role: 'operator' }}
        theme={dark ? 'dark' : 'light'}
        navBadges={{ '/advisories': 1 }}
      >
        {content}
      </AppShell>
    ) : (
      <main id="main" className="mx-auto max-w-[1400px] px-4 py-8 lg:px-8">
        {content}
      </main>
    );
  return <div className={cn(dark ? 'dark' : 'light', 'min-h-dvh bg-bg text-fg')}>{body}</div>;
}
