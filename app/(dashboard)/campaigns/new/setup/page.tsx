import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Select } from '@/components/ui/select';
import { Stat } from '@/components/ui/stat';
import { pageContext } from '@/lib/auth/context';
import { DEFAULT_APPROVAL_THRESHOLD } from '@/lib/campaigns/create-campaign';
import { SelectionSchema, type Selection } from '@/lib/campaigns/resolve-selection';
import { parseFleetFilters } from '@/lib/fleet/fleet-filters';
import { listFilterOptionsFor } from '@/lib/fleet/list-filter-options';
import { STATUS_FILTER_VALUES, statusFilterLabel } from '@/lib/fleet/fleet-figures';
import { defaultCampaignMode, defaultsToExposed } from '@/lib/campaigns/campaign-defaults';
import { firstParam, formatDate, formatNumber } from '@/lib/utils';
import { FleetFilterFields } from '../../../_components/fleet-filter-form';
import { CampaignForm } from '../../_components/campaign-form';
import {
  defaultCertificateFor,
  findCampaignSelection,
  listAdvisoryOptions,
  listCandidateCertificates,
  previewSelection,
} from '@/lib/campaigns/campaign-queries';

export const metadata: Metadata = { title: 'New campaign · Rekey' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function NewCampaignPage({ searchParams }: Props) {
  const ctx = await pageContext('operator');
  const sp = await searchParams;
  const now = new Date();
  const fromId = firstParam(sp.from);
  const error = firstParam(sp.error);

  let selection: Selection;
  let from: NonNullable<Awaited<ReturnType<typeof findCampaignSelection>>> | null = null;
  const filters = parseFleetFilters(defaultsToExposed(sp) ? { ...sp, status: 'exposed' } : sp);
  const advisoryRaw = firstParam(sp.advisoryId) ?? firstParam(sp.advisory);
  const advisoryId = advisoryRaw && UUID.test(advisoryRaw) ? advisoryRaw : undefined;
  if (fromId) {
    try {
      from = await findCampaignSelection(ctx, fromId);
    } catch {
      notFound();
    }
    selection = SelectionSchema.parse(from.selection);
  } else {
    selection = { kind: 'filter', filters: { ...filters, ...(advisoryId ? { advisoryId } : {}) } };
  }

  const [preview, certs, advisories, options] = await Promise.all([
    previewSelection(ctx, selection),
    listCandidateCertificates(ctx),
    listAdvisoryOptions(ctx),
    listFilterOptionsFor(ctx, { min: 'operator' }),
  ]);
  const total = preview.eligible + preview.skipped;
  const advisory = advisories.find((a) => a.id === advisoryId);
  const hidden: Record<string, string> = from
    ? { fromCampaignId: from.id }
    : Object.fromEntries(
        Object.entries({ ...filters, advisoryId }).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
  const certificateOptions = certs.map((c) => ({
    value: c.id,
    label: `${c.label}${c.region ? ` · ${c.region}` : ''} (until ${formatDate(c.notAfter)})${c.hasPrivateKey ? '' : ' · no key'}`,
  }));
  const defaultName = from
    ? from.name
    : advisory
      ? `Remediate: ${advisory.title}`
      : filters.status
        ? `Rotate ${filters.status} connectors${filters.region ? ` · ${filters.region}` : ''}`
        : `Campaign · ${formatDate(now)}`;
  const fromWaves = from && Array.isArray(from.waves) ? (from.waves as { size?: number | null }[]) : null;

  return (
    <>
      <PageHeader
        title={from ? 'Edit campaign settings' : 'New campaign'}
        description="Rotate many connectors at once: a canary wave first, then the rest, across workers, with live progress."
        breadcrumbs={[{ href: '/campaigns', label: 'Campaigns' }]}
      />
      {error ? (
        <Alert tone="danger" title="The campaign could not be created" className="mb-6">
          {error === 'empty' ? 'No connectors were selected.' : error}
        </Alert>
      ) : null}
      {from ? (
        <Alert tone="info" className="mb-6" title={`Editing the draft “${from.name}”`}>
          Saving creates the campaign again from the same {formatNumber(total)} connectors and withdraws the old draft.
        </Alert>
      ) : null}

      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <Card>
          <CardHeader>
            <CardTitle>1. Connectors</CardTitle>
            <CardDescription>
              {from ? 'The draft’s selection.' : 'Every connector on a certificate in an advisory, or a fleet filter.'}
            </CardDescription>
          </CardHeader>
          <CardBody className="space-y-4">
            {!from ? (
              <form action="/campaigns/new/setup" method="get" className="space-y-3" aria-label="Choose the connectors">
                <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
                  Advisory
                  <Select
                    name="advisoryId"
                    defaultValue={advisoryId ?? ''}
                    options={[
                      { value: '', label: 'Any (no advisory)' },
                      ...advisories.map((a) => ({ value: a.id, label: `${a.title} (${a.severity})` })),
                    ]}
                  />
                </label>
                <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
                  Status
                  <Select
                    name="status"
                    defaultValue={filters.status ?? ''}
                    options={[
                      { value: '', label: 'Any status' },
                      ...STATUS_FILTER_VALUES.map((s) => ({ value: s, label: statusFilterLabel(s) })),
                    ]}
                  />
                </label>
                <FleetFilterFields filters={filters} options={options} />
                {filters.q ? <input type="hidden" name="q" value={filters.q} /> : null}
                <Button type="submit" variant="secondary" size="sm">
                  Update selection
                </Button>
              </form>
            ) : null}
            <div className="grid grid-cols-2 gap-3" aria-live="polite">
              <Stat label="Connectors to rotate" value={formatNumber(preview.eligible)} />
              <Stat label="Tenants" value={formatNumber(preview.tenants)} />
              <Stat
                label="Skipped"
                value={formatNumber(preview.skipped)}
                detail="Already in a rotation"
                tone={preview.skipped ? 'warning' : 'default'}
              />
              <Stat label="Regions" value={formatNumber(preview.regions.length)} />
            </div>
            {preview.error ? <Alert tone="danger">{preview.error}</Alert> : null}
          </CardBody>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>2. Plan</CardTitle>
            <CardDescription>
              {formatNumber(total)} connector{total === 1 ? '' : 's'} selected
              {total > DEFAULT_APPROVAL_THRESHOLD ? ' — fleet-wide: a second admin must approve before it starts' : ''}.
            </CardDescription>
          </CardHeader>
          <CardBody>
            {total === 0 ? (
              <p className="text-sm text-fg-muted">
                The selection matches no connector you may rotate. Change the selection on the left.
              </p>
            ) : (
              <CampaignForm
                hidden={hidden}
                regions={preview.regions.map((r) => ({
                  ...r,
                  defaultCertificateId: defaultCertificateFor(r.region, certs) ?? '',
                }))}
                certificateOptions={certificateOptions}
                defaults={{
                  name: defaultName,
                  mode: defaultCampaignMode({
                    fromMode: from?.mode,
                    advisorySeverity: advisory?.severity,
                    targeted: preview.targeted,
                  }),
                  concurrency: from?.concurrency ?? 20,
                  canarySize: fromWaves && fromWaves.length > 1 ? (fromWaves[0]?.size ?? 5) : fromWaves ? 0 : 5,
                  requiresApproval: from?.requiresApproval ?? false,
                }}
                total={total}
                approvalThreshold={DEFAULT_APPROVAL_THRESHOLD}
              />
            )}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
