import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/shell/page-header';
import { StatusChip } from '@/components/status/status-chip';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { SignInCredential } from '../../_components/sign-in-credential';
import { DescriptionList } from '@/components/ui/description-list';
import { LinkButton } from '@/components/ui/link-button';
import { Stat } from '@/components/ui/stat';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/context';
import { canAccessTenant } from '@/lib/auth/principal';
import { getConnectorDrift } from '@/lib/detection/get-connector-drift';
import { getTenantEvidence } from '@/lib/detection/get-tenant-evidence';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import type { StatusReason } from '@/lib/status/classify-connector';
import { formatDate, formatDateTime, formatNumber, formatRelativeTime } from '@/lib/utils';
import { CredentialTable, type CredentialRow } from '../../rotations/_components/credential-table';
import { findActiveRotation, listConnectorRotations } from '@/lib/rotation/rotation-queries';
import { requireTenantPage } from '../../rotations/_lib/page-access';
import { MODE_LABEL } from '../../rotations/_lib/step-labels';
import { RemoveCredential } from './_components/remove-credential';
import { RemovalNotices } from './_components/removal-notices';
import { CredentialIdentity, credentialKindLabel } from '@/components/status/credential-identity';
import { findConnector } from '@/lib/fleet/find-connector';

export const metadata: Metadata = { title: 'Connector' };

type Props = { params: Promise<{ id: string }> };

export default async function ConnectorPage({ params }: Props) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const { id } = await params;
  const c = await findConnector(ctx, id);
  if (!c) notFound();
  await requireTenantPage(principal, c.tenantId, 'viewer', `/connectors/${id}`);
  const now = new Date();
  const [drift, evidence, rotations, active] = await Promise.all([
    getConnectorDrift(ctx, { connectorId: c.id }),
    getTenantEvidence(ctx, { tenantId: c.tenantId, connectorId: c.id, pageSize: 15 }),
    listConnectorRotations(ctx, { connectorId: c.id }),
    findActiveRotation(ctx, { connectorId: c.id }),
  ]);
  const canOperate = canAccessTenant(principal, c.tenant, 'operator');
  const reasons = (c.statusReasons as unknown as StatusReason[] | null) ?? [];
  const current = c.currentCertificate?.sha1Thumbprint.toUpperCase() ?? null;
  const expected = new Set(drift.expectedThumbprints.map((t) => t.toUpperCase()));
  const unknownKeys = new Set(drift.unknown.map((u) => `${u.on}:${u.keyId}`));
  const observed: CredentialRow[] = readObservedCredentials(c.observedCredentials).map((o) => ({
    keyId: o.keyId,
    sha1: o.thumbprint,
    on: o.on,
    // A client secret or federated credential has no certificate: its kind and identity instead.
    displayName: o.kind
      ? `${credentialKindLabel(o)}: ${o.kind === 'secret' ? `hint ${o.hint ?? '—'}…` : `${o.name ?? o.keyId} (${o.issuer ?? '?'}, ${o.subject ?? '?'})`}`
      : o.displayName,
    start: o.startDateTime,
    end: o.endDateTime,
  }));
  const mark = (x: CredentialRow) =>
    unknownKeys.has(`${x.on}:${x.keyId}`)
      ? { label: 'unknown', tone: 'danger' as const }
      : x.sha1 === current
        ? { label: 'current', tone: 'info' as const }
        : x.sha1 && expected.has(x.sha1)
          ? { label: 'expected', tone: 'success' as const }
          : { label: 'known', tone: 'success' as const };
  const logState = evidence.signInLog.state;
  const evidenceAvailable = logState === 'available';

  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {c.displayName}
            <StatusChip status={c.status} />
          </span>
        }
        breadcrumbs={[
          { href: '/connectors', label: 'Connectors' },
          { href: `/tenants/${c.tenant.id}`, label: c.tenant.displayName },
        ]}
        description={`${c.connectorType.name}${c.connectorType.vendor ? ` by ${c.connectorType.vendor}` : ''} in ${c.tenant.displayName} (${c.tenant.region}).`}
        actions={
          canOperate ? (
            active ? (
              <LinkButton href={`/rotations/${active.id}`} variant="secondary" size="sm">
                Rotation in progress
              </LinkButton>
            ) : (
              <span className="flex gap-2">
                <LinkButton href={`/invitations?connector=${c.id}`} variant="secondary" size="sm">
                  Invite the customer to rotate
                </LinkButton>
                <LinkButton href={`/rotations/new?connector=${c.id}`} variant="primary" size="sm">
                  Rotate
                </LinkButton>
              </span>
            )
          ) : null
        }
      />
      {c.missingSince ? (
        <Alert tone="danger" className="mb-4" title="The connection is gone from the tenant">
          Its application was not found since {formatDateTime(c.missingSince)}. Re-establish it by recreating the
          connection.
        </Alert>
      ) : null}

      <div className="grid gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Status and why</CardTitle>
            <CardDescription>Classified {formatRelativeTime(c.statusAt, now)}.</CardDescription>
          </CardHeader>
          <CardBody className="space-y-3">
            {reasons.length ? (
              <ul className="space-y-2" aria-label="Status reasons">
                {reasons.map((r) => (
                  <li key={r.check} className="flex items-start gap-2 text-sm">
                    <StatusChip status={r.status} size="sm" />
                    <span>{r.message}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-fg-muted">No finding: nothing to do.</p>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Current certificate</CardTitle>
          </CardHeader>
          <CardBody>
            {c.currentCertificate ? (
              <DescriptionList
                items={[
                  {
                    term: 'Certificate',
                    value: (
                      <Link
                        href={`/certificates/${c.currentCertificate.id}`}
                        className="underline-offset-2 hover:underline"
                      >
                        {c.currentCertificate.label ?? c.currentCertificate.subject}
                      </Link>
                    ),
                  },
                  {
                    term: 'Valid',
                    value: `${formatDate(c.currentCertificate.notBefore)} → ${formatDate(c.currentCertificate.notAfter)}`,
                  },
                  { term: 'SHA-1 thumbprint', value: <Mono>{c.currentCertificate.sha1Thumbprint}</Mono> },
                  { term: 'Application (client) id', value: <Mono>{c.appId}</Mono> },
                ]}
              />
            ) : (
              <p className="text-sm text-fg-muted">
                Rekey holds no certificate for this connector yet. Rotate it to put one in place.
              </p>
            )}
          </CardBody>
        </Card>
      </div>

      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Credentials in the tenant</CardTitle>
          <CardDescription>
            {c.observedAt
              ? `The application’s and service principal’s credentials (certificates, client secrets, federated credentials) at the last scan, ${formatDateTime(c.observedAt)}.`
              : 'Not scanned yet.'}
          </CardDescription>
        </CardHeader>
        <CardBody>
          <CredentialTable
            label="Credentials in the tenant"
            rows={observed}
            mark={mark}
            empty={c.observedAt ? 'The tenant holds no credential for this connector.' : 'Not scanned yet.'}
          />
        </CardBody>
      </Card>

      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Drift</CardTitle>
            <CardDescription>What the tenant holds against what Rekey expects.</CardDescription>
          </CardHeader>
          <CardBody className="space-y-3">
            {drift.observedAt === null ? (
              <p className="text-sm text-fg-muted">Not judged: the connector was never scanned.</p>
            ) : null}
            {drift.observedAt !== null && !drift.drifted ? (
              <Alert tone="success" live="none">
                No drift: every credential is one Rekey knows
                {drift.missing.length ? ', and the current certificate is present' : ''}.
              </Alert>
            ) : null}
            {drift.missing
              .filter((m) => m.required)
              .map((m) => (
                <Alert key={m.thumbprint} tone="warning" live="none" title="Current certificate missing">
                  The tenant does not hold {m.thumbprint}; the vendor’s service may not be able to sign in.
                </Alert>
              ))}
            <RemovalNotices>
              {drift.unknown.length ? (
                <ul className="space-y-3" aria-label="Unknown credentials">
                  {drift.unknown.map((u) => (
                    <li
                      key={`${u.on}:${u.keyId}`}
                      className="flex flex-wrap items-start justify-between gap-3 rounded-lg border border-danger-border bg-danger-bg/40 p-3"
                    >
                      <div className="min-w-0 text-sm">
                        <p className="font-medium">
                          Unknown {credentialKindLabel(u).toLowerCase()} on the{' '}
                          {u.on === 'servicePrincipal' ? 'service principal' : 'application'}
                        </p>
                        <p className="text-fg-muted">
                          Key id <Mono>{u.keyId}</Mono>
                        </p>
                        <p className="text-fg-muted">
                          {u.kind ? (
                            <CredentialIdentity c={u} />
                          ) : (
                            <>SHA-1 {u.thumbprint ? <Mono>{u.thumbprint}</Mono> : 'not revealed'}</>
                          )}
                          {u.endDateTime ? ` · valid until ${formatDate(u.endDateTime)}` : ''}
                        </p>
                      </div>
                      {canOperate ? (
                        <RemoveCredential
                          connectorId={c.id}
                          keyId={u.keyId}
                          thumbprint={u.thumbprint}
                          on={u.on}
                          kind={u.kind ?? null}
                        />
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : null}
            </RemovalNotices>
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Sign-in evidence</CardTitle>
            <CardDescription>
              {evidence.signInLog.lastScanAt
                ? `Logs read ${formatRelativeTime(evidence.signInLog.lastScanAt, now)}.`
                : 'Sign-ins of this connector’s application.'}
            </CardDescription>
          </CardHeader>
          <CardBody className="space-y-3">
            {!evidenceAvailable ? (
              <Alert tone="warning" live="none" title="Evidence unavailable">
                {evidence.signInLog.message}
              </Alert>
            ) : null}
            {evidenceAvailable || evidence.counts.total > 0 ? (
              <div className="grid grid-cols-3 gap-3">
                <Stat label="Sign-ins" value={formatNumber(evidence.counts.total)} />
                <Stat label="From the vendor" value={formatNumber(evidence.counts.vendor)} />
                <Stat
                  label="Unknown address"
                  value={formatNumber(evidence.counts.unknownAddress)}
                  tone={evidence.counts.unknownAddress ? 'danger' : 'default'}
                />
              </div>
            ) : null}
            {evidence.items.length ? (
              <TableContainer label="Recent sign-ins">
                <Table>
                  <caption className="sr-only">Recent sign-ins</caption>
                  <THead>
                    <tr>
                      <TH>When</TH>
                      <TH>Address</TH>
                      <TH>Result</TH>
                      <TH>Credential</TH>
                    </tr>
                  </THead>
                  <TBody>
                    {evidence.items.map((e) => (
                      <TR key={e.id}>
                        <TD className="whitespace-nowrap">{formatDateTime(e.at)}</TD>
                        <TD>
                          <span className="flex flex-wrap items-center gap-1.5">
                            <Mono>{e.ipAddress}</Mono>
                            <Badge tone={e.classification === 'vendor' ? 'success' : 'danger'}>
                              {e.classification === 'vendor' ? 'vendor' : 'unknown address'}
                            </Badge>
                          </span>
                        </TD>
                        <TD>{e.result}</TD>
                        <TD>
                          <SignInCredential e={e} />
                        </TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              </TableContainer>
            ) : evidenceAvailable ? (
              <p className="text-sm text-fg-muted">No sign-ins recorded for this connector.</p>
            ) : null}
          </CardBody>
        </Card>
      </div>

      <Card className="mt-6">
        <CardHeader
          actions={
            <LinkButton href={`/rotations?connector=${c.id}`} size="sm" variant="ghost">
              All rotations
            </LinkButton>
          }
        >
          <CardTitle>Rotation history</CardTitle>
        </CardHeader>
        <CardBody>
          {rotations.length ? (
            <TableContainer label="Rotation history">
              <Table>
                <caption className="sr-only">Rotation history</caption>
                <THead>
                  <tr>
                    <TH>State</TH>
                    <TH>Mode</TH>
                    <TH>To certificate</TH>
                    <TH>Started by</TH>
                    <TH>Started</TH>
                    <TH>Finished</TH>
                  </tr>
                </THead>
                <TBody>
                  {rotations.map((r) => (
                    <TR key={r.id}>
                      <TD>
                        <Link
                          href={`/rotations/${r.id}`}
                          aria-label={`Rotation started ${formatDateTime(r.createdAt)}`}
                        >
                          <StatusChip kind="rotation" status={r.state} />
                        </Link>
                      </TD>
                      <TD>{MODE_LABEL[r.mode] ?? r.mode}</TD>
                      <TD>
                        <Link
                          href={`/certificates/${r.toCertificate.id}`}
                          className="underline-offset-2 hover:underline"
                        >
                          {r.toCertificate.subject}
                        </Link>
                      </TD>
                      <TD>{r.actorLabel || 'system'}</TD>
                      <TD className="whitespace-nowrap">{formatDateTime(r.createdAt)}</TD>
                      <TD className="whitespace-nowrap">{r.finishedAt ? formatDateTime(r.finishedAt) : '—'}</TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </TableContainer>
          ) : (
            <p className="text-sm text-fg-muted">Never rotated by Rekey.</p>
          )}
        </CardBody>
      </Card>
    </>
  );
}
