'use client';

import Link from 'next/link';
import { StatusChip, TENANT_ACCESS } from '@/components/status/status-chip';

/**
 * One tenant of the tenants table, as plain data: everything a cell shows, already formatted on
 * the server (numbers, relative times) so the client renders the same text it hydrates.
 */
export interface TenantRowData {
  id: string;
  name: string;
  /** The default domain, or the Entra tenant id when there is none. */
  domain: string;
  region: string;
  group: string | null;
  worstStatus: string | null;
  connectors: string;
  access: string;
  accessReason: string | null;
  consent: string;
  signIns: string;
  lastScan: string;
}

/** A cell by the page's column id; an id the page does not have renders nothing. */
function cell(t: TenantRowData, id: string) {
  switch (id) {
    case 'name':
      return (
        <div className="min-w-0">
          <Link
            href={`/tenants/${t.id}`}
            prefetch={false}
            className="font-medium text-fg underline-offset-2 hover:underline"
          >
            {t.name}
          </Link>
          <div className="truncate text-xs text-fg-muted">{t.domain}</div>
        </div>
      );
    case 'region':
      return t.region;
    case 'group':
      return t.group ?? '—';
    case 'status':
      return t.worstStatus ? (
        <StatusChip status={t.worstStatus} />
      ) : (
        <span className="text-fg-subtle">No connectors</span>
      );
    case 'connectors':
      return t.connectors;
    case 'access':
      return t.access === 'ok' ? (
        <span className="text-fg-muted">{TENANT_ACCESS.ok.label}</span>
      ) : (
        <span title={t.accessReason ?? undefined}>
          <StatusChip kind="access" status={t.access} />
        </span>
      );
    case 'consent':
      return <StatusChip kind="consent" status={t.consent} />;
    case 'signins':
      return t.signIns;
    case 'lastScan':
      return t.lastScan;
    default:
      return null;
  }
}

/**
 * The tenants table's rows, rendered from data on the client component side of the page: the
 * page payload carries ~300 bytes of data per tenant instead of every row's element tree (the
 * HTML is the same, server-rendered). 50 rows of elements were ~60 kB of the payload and about a
 * quarter of the page's server CPU at 10,000 tenants (bench/README.md, issue 21).
 */
export function TenantRows({
  rows,
  columns,
}: {
  rows: TenantRowData[];
  columns: { id: string; className?: string }[];
}) {
  return rows.map((t) => (
    <tr key={t.id}>
      {columns.map((c) => (
        <td key={c.id} className={c.className}>
          {cell(t, c.id)}
        </td>
      ))}
    </tr>
  ));
}
