import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableContainer, THead, TBody, TR, TH, TD } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/context';
import { isFleetWide } from '@/lib/auth/principal';
import { hrefWith, type SearchParams } from '@/lib/utils';
import { AUDIT_PAGE_SIZE, AuditFilterSchema, listAuditEvents } from '@/lib/audit/list-audit-events';
import { changedKeys } from './changed-keys';

export const metadata: Metadata = { title: 'Audit log' };

function show(v: unknown): string {
  return v === undefined ? '—' : JSON.stringify(v);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const sp = await searchParams;
  const parsed = AuditFilterSchema.safeParse(sp);
  const filter = parsed.success ? parsed.data : AuditFilterSchema.parse({});
  const { total, events, tenants } = await listAuditEvents(ctx, filter);
  const tenantName = new Map(tenants.map((t) => [t.id, t.displayName]));
  const exportHref = hrefWith('/audit/export', sp, { page: null });

  return (
    <div className="space-y-4">
      <PageHeader
        title="Audit log"
        description={
          isFleetWide(principal, 'viewer')
            ? 'Every change, who made it, from where, and what it was before and after. The log is append-only and hash-chained: `rekey audit verify` detects tampering.'
            : 'Changes to the tenants you are assigned, and your own actions.'
        }
        actions={
          <a
            href={exportHref}
            className="inline-flex h-8 items-center rounded-md border border-border-strong bg-surface px-3 text-sm font-medium text-fg hover:bg-surface-2"
            download
          >
            Export CSV
          </a>
        }
      />

      <form method="get" className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter audit events">
        <label className="space-y-1 text-xs font-medium text-fg-muted">
          <span className="block">Action</span>
          <Input
            name="action"
            defaultValue={filter.action ?? ''}
            placeholder="rotation.* or user.sign_in"
            className="w-48"
          />
        </label>
        <label className="space-y-1 text-xs font-medium text-fg-muted">
          <span className="block">Actor</span>
          <Input name="actor" defaultValue={filter.actor ?? ''} placeholder="name@contoso.com" className="w-48" />
        </label>
        <label className="space-y-1 text-xs font-medium text-fg-muted">
          <span className="block">Tenant</span>
          <select
            name="tenant"
            defaultValue={filter.tenant ?? ''}
            className="h-8 w-48 rounded-md border border-border-strong bg-surface px-2 text-sm text-fg"
          >
            <option value="">All tenants</option>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.displayName}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1 text-xs font-medium text-fg-muted">
          <span className="block">From</span>
          <Input type="date" name="from" defaultValue={filter.from ?? ''} />
        </label>
        <label className="space-y-1 text-xs font-medium text-fg-muted">
          <span className="block">To</span>
          <Input type="date" name="to" defaultValue={filter.to ?? ''} />
        </label>
        <Button type="submit">Filter</Button>
        {!parsed.success ? (
          <p className="w-full text-xs text-danger">Some filters were not valid and were ignored.</p>
        ) : null}
      </form>

      {events.length === 0 ? (
        <EmptyState title="No audit events" description="Nothing matches these filters." />
      ) : (
        <TableContainer label="Audit events">
          <Table>
            <THead>
              <TR>
                <TH>When (UTC)</TH>
                <TH>Who</TH>
                <TH>Action</TH>
                <TH>Target</TH>
                <TH>Change</TH>
                <TH>Request</TH>
              </TR>
            </THead>
            <TBody>
              {events.map((e) => {
                const diff = changedKeys(e.before, e.after);
                return (
                  <TR key={e.seq.toString()}>
                    <TD className="font-mono text-xs whitespace-nowrap">
                      {e.at.toISOString().replace('T', ' ').slice(0, 19)}
                    </TD>
                    <TD className="text-sm">{e.actorLabel}</TD>
                    <TD className="font-mono text-xs">{e.action}</TD>
                    <TD className="text-xs">
                      <div>
                        {e.targetType}
                        {e.targetId ? <span className="font-mono text-fg-muted"> {e.targetId}</span> : null}
                      </div>
                      {e.tenantId ? (
                        <div className="text-fg-muted">{tenantName.get(e.tenantId) ?? e.tenantId}</div>
                      ) : null}
                    </TD>
                    <TD className="text-xs">
                      {diff.length === 0 ? (
                        <span className="text-fg-muted">—</span>
                      ) : (
                        <details>
                          <summary className="cursor-pointer">{diff.length} field(s)</summary>
                          <dl className="mt-1 space-y-1 font-mono">
                            {diff.map((d) => (
                              <div key={d.key}>
                                <dt className="font-semibold">{d.key}</dt>
                                <dd>
                                  <del className="text-danger">{show(d.before)}</del> →{' '}
                                  <ins className="text-success no-underline">{show(d.after)}</ins>
                                </dd>
                              </div>
                            ))}
                          </dl>
                        </details>
                      )}
                    </TD>
                    <TD className="font-mono text-xs text-fg-muted">
                      <div>{e.requestId ?? '—'}</div>
                      <div>{e.clientIp ?? ''}</div>
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        </TableContainer>
      )}
      <Pagination page={filter.page} pageSize={AUDIT_PAGE_SIZE} total={total} pathname="/audit" searchParams={sp} />
    </div>
  );
}
