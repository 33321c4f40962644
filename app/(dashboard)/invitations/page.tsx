import type { Metadata } from 'next';
import { pageContext } from '@/lib/auth/context';
import { hasRole } from '@/lib/auth/principal';
import { funnelCounts, listInvitations } from '@/lib/invitations/list-invitations';
import { FUNNEL_ORDER, VIEW_LABEL } from '@/lib/invitations/invitation-status';
import { listInvitableCertificates } from '@/lib/invitations/list-invitable-certificates';
import { firstParam, type SearchParams } from '@/lib/utils';
import { LineChart } from '@/components/charts/line-chart';
import { FUNNEL_MILESTONES, funnelOverTime } from '@/lib/invitations/funnel-over-time';
import { CreateInvitationsForm } from './_components/create-invitations-form';

export const metadata: Metadata = { title: 'Invitations' };
export const dynamic = 'force-dynamic';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Customer self-service rotation invitations: the funnel, the list, and new links. */
export default async function InvitationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const sp = await searchParams;
  const connectorId = firstParam(sp.connector);
  const campaignId = firstParam(sp.campaign);
  const advisoryId = firstParam(sp.advisory);
  const rows = await listInvitations(ctx, { campaignId, advisoryId });
  const counts = funnelCounts(rows);
  const overTime = await funnelOverTime(ctx, { invitationIds: rows.map((r) => r.id) });
  const canCreate = hasRole(principal, 'operator');
  // "N customers invited, M rotated": a customer is an invited tenant (by id, or by domain until they sign in).
  const customerOf = (r: (typeof rows)[number]) => r.entraTenantId ?? r.tenantDomain ?? r.id;
  const summary = {
    customers: new Set(rows.map(customerOf)).size,
    rotated: new Set(rows.filter((r) => r.view === 'ROTATED').map(customerOf)).size,
  };
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Invitations</h1>
      <p className="text-sm">
        A customer’s own administrator follows the link, signs in with Microsoft and confirms; Rekey rotates with their
        token and keeps nothing afterwards.
      </p>
      <p className="text-base font-semibold" data-testid="invitations-summary">
        {summary.customers} customer{summary.customers === 1 ? '' : 's'} invited, {summary.rotated} rotated
        <span className="ml-2 text-sm font-normal">
          ({rows.length} connection{rows.length === 1 ? '' : 's'}, {counts.ROTATED} rotated)
        </span>
      </p>
      <section aria-label="Funnel">
        <dl className="grid grid-cols-3 gap-2 text-sm sm:grid-cols-6">
          {FUNNEL_ORDER.map((v) => (
            <div key={v} className="rounded border p-2" data-testid={`funnel-${v}`}>
              <dt>{VIEW_LABEL[v]}</dt>
              <dd className="text-lg font-semibold">{counts[v]}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="funnel-over-time" className="space-y-2">
        <h2 id="funnel-over-time" className="font-semibold">
          Funnel over the last {overTime.length} days
        </h2>
        <LineChart
          label={`Invitations sent, opened, signed in, rotated and failed by day, last ${overTime.length} days`}
          series={FUNNEL_MILESTONES.map((m) => ({
            key: m,
            name: VIEW_LABEL[m],
            points: overTime.map((d) => ({ x: d.day, y: d.counts[m] })),
          }))}
        />
      </section>
      {canCreate ? (
        <section aria-labelledby="new-invitations" className="space-y-2">
          <h2 id="new-invitations" className="font-semibold">
            New invitations
            {connectorId
              ? ' for this connector'
              : campaignId
                ? ' for this campaign’s connectors'
                : advisoryId
                  ? ' for the connectors this advisory affects'
                  : ''}
          </h2>
          <CreateInvitationsForm
            certificates={await listInvitableCertificates(ctx)}
            {...(connectorId ? { connectorId } : campaignId ? { campaignId } : advisoryId ? { advisoryId } : {})}
          />
        </section>
      ) : null}
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Invitations</caption>
        <thead>
          <tr>
            <th>Created</th>
            <th>Tenant</th>
            <th>Connector</th>
            <th>E-mail</th>
            <th>Status</th>
            <th>Customer admin</th>
            <th>Expires</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-invitation={r.id}>
              <td>{day(r.createdAt)}</td>
              <td>{r.target}</td>
              <td>{r.connector ?? '—'}</td>
              <td>{r.email ?? '—'}</td>
              <td title={r.stateDetail ?? undefined}>
                {VIEW_LABEL[r.view]}
                {r.view === 'FAILED' && r.stateDetail ? (
                  <span className="block max-w-prose text-xs break-words">{r.stateDetail}</span>
                ) : null}
              </td>
              <td>{r.customerUpn ?? '—'}</td>
              <td>{day(r.expiresAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
