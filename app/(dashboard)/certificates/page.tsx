import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Mono } from '@/components/ui/code-block';
import { LinkButton } from '@/components/ui/link-button';
import { DataTable, type DataTableColumn } from '@/components/tables/data-table';
import { parseTableParams } from '@/components/tables/table-params';
import { pageContext } from '@/lib/auth/context';
import { hasRole } from '@/lib/auth/principal';
import { certificateState, CERTIFICATE_SORTS, type CertificateSort } from '@/lib/certificates/list-certificates';
import { browseCertificates } from '@/lib/certificates/view-certificates';
import { firstParam, formatDate, formatDateTime, formatNumber } from '@/lib/utils';

export const metadata: Metadata = { title: 'Certificates · Rekey' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
type Row = Awaited<ReturnType<typeof browseCertificates>>['rows'][number];

const STATE_TONE = { compromised: 'danger', expired: 'danger', expiring: 'warning', valid: 'success' } as const;

export default async function CertificatesPage({ searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const principal = ctx.principal;
  const sp = await searchParams;
  const q = firstParam(sp.q);
  const table = parseTableParams(sp, CERTIFICATE_SORTS, { sort: 'notAfter', dir: 'asc' });
  const result = await browseCertificates(ctx, {
    q,
    sort: table.sort as CertificateSort,
    dir: table.dir,
    page: table.page,
  });
  const now = ctx.now;
  const columns: DataTableColumn<Row>[] = [
    {
      id: 'subject',
      header: 'Subject',
      sortable: true,
      hideable: false,
      cell: (c) => (
        <div>
          <Link href={`/certificates/${c.id}`} className="font-medium underline-offset-2 hover:underline">
            {c.subject}
          </Link>
          {c.label ? <div className="text-xs text-fg-muted">{c.label}</div> : null}
        </div>
      ),
    },
    {
      id: 'state',
      header: 'State',
      cell: (c) => {
        const s = certificateState(c, now);
        return <Badge tone={STATE_TONE[s]}>{s}</Badge>;
      },
    },
    { id: 'notAfter', header: 'Expires', sortable: true, cell: (c) => formatDate(c.notAfter) },
    { id: 'thumbprint', header: 'SHA-1 thumbprint', cell: (c) => <Mono>{c.sha1Thumbprint}</Mono> },
    { id: 'key', header: 'Private key', cell: (c) => (c.hasPrivateKey ? 'Held (encrypted)' : '—') },
    {
      id: 'usage',
      header: 'Connectors',
      sortable: true,
      align: 'right',
      firstDir: 'desc',
      cell: (c) => formatNumber(c.connectors),
    },
    { id: 'source', header: 'Source', defaultHidden: true, cell: (c) => c.source },
    { id: 'region', header: 'Region', defaultHidden: true, cell: (c) => c.region ?? '—' },
  ];
  return (
    <>
      <PageHeader
        title="Certificates"
        description={`${formatNumber(result.total)} certificate${result.total === 1 ? '' : 's'} in the inventory: uploaded, generated, issued or discovered in tenants. Private keys stay encrypted on the server; only an admin can export one, as a password-protected PFX.`}
        actions={
          hasRole(principal, 'operator') ? (
            <LinkButton href="/certificates/new" size="sm">
              Add a certificate
            </LinkButton>
          ) : null
        }
      />
      {result.pendingRequests.length ? (
        <section aria-labelledby="pending-csr" className="mb-6 rounded-lg border border-border bg-surface p-4 text-sm">
          <h2 id="pending-csr" className="mb-2 font-semibold">
            Waiting for the CA ({formatNumber(result.pendingRequests.length)})
          </h2>
          <ul className="space-y-1">
            {result.pendingRequests.map((r) => (
              <li key={r.id} className="flex flex-wrap gap-x-2">
                <Link href={`/certificates/requests/${r.id}`} className="break-all underline underline-offset-2">
                  {r.subject}
                </Link>
                <span className="text-fg-muted">CSR created {formatDateTime(r.createdAt)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <DataTable
        caption="Certificate inventory"
        columns={columns}
        rows={result.rows}
        getRowId={(c) => c.id}
        pathname="/certificates"
        searchParams={sp}
        defaultSort={{ sort: 'notAfter', dir: 'asc' }}
        pagination={{ page: result.page, pageSize: result.pageSize, total: result.total }}
        toolbar={
          <form action="/certificates" method="get" role="search" className="flex gap-2">
            <label htmlFor="cert-q" className="sr-only">
              Search certificates
            </label>
            <input
              id="cert-q"
              name="q"
              defaultValue={q}
              placeholder="Subject, label, thumbprint or serial"
              className="h-8 w-72 rounded-md border border-border bg-surface px-2 text-sm"
            />
          </form>
        }
        empty={q ? 'No certificate matches.' : 'No certificates yet.'}
      />
    </>
  );
}
