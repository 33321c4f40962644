import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/shell/page-header';
import { StatusChip } from '@/components/status/status-chip';
import { Badge } from '@/components/ui/badge';
import { SignInCredential } from '../../../../_components/sign-in-credential';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { DescriptionList } from '@/components/ui/description-list';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/context';
import { isRekeyError } from '@/lib/errors';
import { getTenantEvidencePackFor, type EvidenceRotation } from '@/lib/reports/get-tenant-evidence-pack';
import { oldCredentialVerdict } from '@/lib/reports/old-credential-verdict';
import type { CredentialList } from '@/lib/rotation/rotation-facts';
import { formatDateTime, formatNumber } from '@/lib/utils';
import { PrintButton } from '../../_components/print-button';
import { ReportPrintStyles } from '../../_components/print-styles';

export const metadata: Metadata = { title: 'Evidence pack · Rekey' };

type Props = { params: Promise<{ tenantId: string }> };

const when = (d: Date | string | null | undefined) => (d ? formatDateTime(d) : '—');

function Credentials({ list, title }: { list: CredentialList | null; title: string }) {
  const creds = list
    ? [...list.app.map((c) => ({ ...c, on: 'App' })), ...list.sp.map((c) => ({ ...c, on: 'Service principal' }))]
    : [];
  return (
    <div className="min-w-0 space-y-1">
      <h4 className="text-xs font-semibold tracking-wide text-fg-muted uppercase">
        {title}
        {list ? ` · ${when(list.at)}` : ''}
      </h4>
      {creds.length === 0 ? (
        <p className="text-sm text-fg-muted">{list ? 'No certificate credentials.' : 'Not recorded.'}</p>
      ) : (
        <ul className="space-y-1 text-xs">
          {creds.map((c) => (
            <li key={`${c.on}-${c.keyId}`} className="font-mono break-all">
              {c.sha1 ?? c.keyId}{' '}
              <span className="font-sans text-fg-muted">
                ({c.on}
                {c.end ? `, until ${when(c.end)}` : ''})
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function RotationEvidence({
  r,
  tenantId,
  lastSignInScanAt,
}: {
  r: EvidenceRotation;
  tenantId: string;
  lastSignInScanAt: Date | null;
}) {
  const v = oldCredentialVerdict({
    usesAfterFinish: r.oldCredentialUsesAfterFinish,
    finishedAt: r.finishedAt,
    lastSignInScanAt,
  });
  return (
    <Card className="rekey-card">
      <CardHeader actions={<StatusChip status={r.state} kind="rotation" size="sm" />}>
        <CardTitle as="h3">
          {r.connectorName} · {r.mode === 'reestablish' ? 're-established' : 'rotated'}
        </CardTitle>
        <CardDescription>
          By {r.actorLabel}
          {r.campaignId ? (
            <>
              {' '}
              in{' '}
              <Link className="underline" href={`/campaigns/${r.campaignId}`}>
                a campaign
              </Link>
            </>
          ) : null}{' '}
          · started {when(r.startedAt)} · finished {when(r.finishedAt)}
        </CardDescription>
      </CardHeader>
      <CardBody className="space-y-4">
        <DescriptionList
          columns={2}
          items={[
            {
              term: 'Old certificate',
              value: r.from ? <span className="font-mono text-xs break-all">{r.from.sha1Thumbprint}</span> : '—',
            },
            {
              term: 'New certificate',
              value: <span className="font-mono text-xs break-all">{r.to.sha1Thumbprint}</span>,
            },
            { term: 'Status at start', value: r.startStatus ?? '—' },
            { term: 'New credential verified', value: when(r.verifiedNewAt) },
            { term: 'Old credential removed', value: when(r.removedAt) },
            { term: 'Old credential verified gone', value: when(r.verifiedOldGoneAt) },
            { term: 'Old credential last used', value: when(r.oldCredentialLastUsedAt) },
            {
              term: 'Uses of the old credential after the rotation',
              value:
                v.kind === 'used' ? (
                  <Badge tone="danger">{formatNumber(v.uses)}</Badge>
                ) : v.kind === 'none' ? (
                  `None (sign-in logs read ${formatDateTime(v.checkedAt)})`
                ) : v.kind === 'not_finished' ? (
                  'The rotation has not finished'
                ) : (
                  <>
                    Not checked since the rotation
                    {v.lastCheckedAt ? ` (logs last read ${formatDateTime(v.lastCheckedAt)})` : ''} —{' '}
                    <Link className="underline" href={`/tenants/${tenantId}`}>
                      Check now
                    </Link>
                  </>
                ),
            },
          ]}
        />
        <div className="grid gap-4 md:grid-cols-2">
          <Credentials title="Before" list={r.before} />
          <Credentials title="After" list={r.after} />
        </div>
        {r.errorMessage ? <p className="text-sm text-danger">{r.errorMessage}</p> : null}
      </CardBody>
    </Card>
  );
}

export default async function EvidencePackPage({ params }: Props) {
  const ctx = await pageContext('viewer');
  const { tenantId } = await params;
  let pack;
  try {
    pack = await getTenantEvidencePackFor(ctx, { tenantId });
  } catch (e) {
    if (isRekeyError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
  const t = pack.tenant;
  return (
    <div className="rekey-report">
      <ReportPrintStyles />
      <PageHeader
        title={`Evidence pack: ${t.displayName}`}
        description={`Generated ${formatDateTime(pack.generatedAt)}. Credentials before and after each rotation, when the old credential was last used, and sign-ins from unknown addresses.`}
        breadcrumbs={[{ href: '/reports/security', label: 'Security report' }]}
        actions={<PrintButton />}
      />
      <Card className="rekey-card mb-6">
        <CardBody>
          <DescriptionList
            columns={2}
            items={[
              { term: 'Entra tenant id', value: <span className="font-mono text-xs">{t.entraTenantId}</span> },
              { term: 'Domain', value: t.defaultDomain ?? '—' },
              { term: 'Region', value: t.region },
              { term: 'Group', value: t.group ?? '—' },
              { term: 'Sign-in logs', value: t.signInLogState },
              { term: 'Last sign-in scan', value: when(t.lastSignInScanAt) },
            ]}
          />
        </CardBody>
      </Card>

      <section aria-labelledby="ev-connectors" className="mb-6 space-y-3">
        <h2 id="ev-connectors" className="text-base font-semibold">
          Connectors
        </h2>
        <TableContainer label="Connectors">
          <Table>
            <THead>
              <tr>
                <TH>Connector</TH>
                <TH>Status</TH>
                <TH>Current certificate</TH>
                <TH>Valid until</TH>
              </tr>
            </THead>
            <TBody>
              {pack.connectors.map((c) => (
                <TR key={c.id}>
                  <TD className="font-medium">{c.displayName}</TD>
                  <TD>
                    <StatusChip status={c.status} kind="connector" size="sm" />
                  </TD>
                  <TD className="font-mono text-xs">{c.currentCertificate?.sha1Thumbprint ?? '—'}</TD>
                  <TD>{when(c.currentCertificate?.notAfter)}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </TableContainer>
      </section>

      <section aria-labelledby="ev-rotations" className="mb-6 space-y-3">
        <h2 id="ev-rotations" className="text-base font-semibold">
          Rotations
        </h2>
        {pack.rotations.length === 0 ? (
          <EmptyState title="No rotations yet" description="Nothing has been rotated in this tenant." icon="rotate" />
        ) : (
          pack.rotations.map((r) => (
            <RotationEvidence key={r.id} r={r} tenantId={t.id} lastSignInScanAt={t.lastSignInScanAt} />
          ))
        )}
      </section>

      <section aria-labelledby="ev-signins" className="mb-6 space-y-3">
        <h2 id="ev-signins" className="text-base font-semibold">
          Sign-ins from unknown addresses
        </h2>
        {pack.unknownSignIns.length === 0 ? (
          <p className="text-sm text-fg-muted">
            None recorded{t.signInLogState !== 'available' ? ` (sign-in logs: ${t.signInLogState})` : ''}.
          </p>
        ) : (
          <TableContainer label="Sign-ins from unknown addresses">
            <Table>
              <THead>
                <tr>
                  <TH>Time</TH>
                  <TH>Address</TH>
                  <TH>Resource</TH>
                  <TH>Result</TH>
                  <TH>Credential</TH>
                </tr>
              </THead>
              <TBody>
                {pack.unknownSignIns.map((s, i) => (
                  <TR key={`${s.at.toISOString()}-${i}`}>
                    <TD>{formatDateTime(s.at)}</TD>
                    <TD className="font-mono text-xs">{s.ipAddress}</TD>
                    <TD>{s.resource ?? '—'}</TD>
                    <TD>
                      {s.errorCode === 0 ? (
                        <Badge tone="danger">Succeeded</Badge>
                      ) : (
                        <Badge tone="neutral">Failed ({s.errorCode})</Badge>
                      )}
                    </TD>
                    <TD className="text-xs">
                      <SignInCredential e={s} full />
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </TableContainer>
        )}
      </section>

      <section aria-labelledby="ev-audit" className="space-y-3">
        <h2 id="ev-audit" className="text-base font-semibold">
          Audit trail
        </h2>
        <TableContainer label="Audit trail">
          <Table>
            <THead>
              <tr>
                <TH>Time</TH>
                <TH>Who</TH>
                <TH>Action</TH>
                <TH>Target</TH>
              </tr>
            </THead>
            <TBody>
              {pack.auditEvents.map((a) => (
                <TR key={a.seq}>
                  <TD>{formatDateTime(a.at)}</TD>
                  <TD>{a.actorLabel}</TD>
                  <TD className="font-mono text-xs">{a.action}</TD>
                  <TD className="text-xs">{a.targetType}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </TableContainer>
      </section>
    </div>
  );
}
