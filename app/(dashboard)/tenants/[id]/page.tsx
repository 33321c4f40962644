import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/shell/page-header';
import { CredentialIdentity, credentialKindLabel } from '@/components/status/credential-identity';
import { StatusChip } from '@/components/status/status-chip';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { SignInCredential } from '../../_components/sign-in-credential';
import { DescriptionList } from '@/components/ui/description-list';
import { EmptyState } from '@/components/ui/empty-state';
import { LinkButton } from '@/components/ui/link-button';
import { Pagination } from '@/components/ui/pagination';
import { Stat } from '@/components/ui/stat';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { pageContext, requireTenantAccess } from '@/lib/auth/context';
import { canAccessTenant } from '@/lib/auth/principal';
import { getTenantEvidence } from '@/lib/detection/get-tenant-evidence';
import { isRekeyError } from '@/lib/errors';
import { isExposedStatus } from '@/lib/fleet/fleet-figures';
import { getMaxScanAgeHours, TENANT_ACCESS_LABEL, tenantAccess } from '@/lib/fleet/tenant-access';
import { getAdminConsentUrl } from '@/lib/tenants/get-admin-consent-url';
import { firstParam, formatDate, formatDateTime, formatNumber, formatRelativeTime } from '@/lib/utils';
import type { UseCaseContext } from '@/lib/use-case';
import { getTenantDetail, type TenantDetail } from '@/lib/fleet/get-tenant-detail';
import { ConsentCheckButton } from './_components/consent-check-button';
import { ScanNowButton, ScanSignInsButton } from './_components/scan-buttons';

export const metadata: Metadata = { title: 'Tenant' };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const LOG_STATE: Record<string, { label: string; tone: 'success' | 'warning' | 'danger' | 'neutral' }> = {
  available: { label: 'Available', tone: 'success' },
  unavailable_license: { label: 'Unavailable', tone: 'warning' },
  unavailable_permission: { label: 'Unavailable', tone: 'warning' },
  error: { label: 'Error', tone: 'danger' },
  unknown: { label: 'Not read yet', tone: 'neutral' },
};

async function consentUrlOf(ctx: UseCaseContext, tenantId: string): Promise<string | null> {
  try {
    return await getAdminConsentUrl(ctx, { tenantId });
  } catch {
    return null; // management app not configured: the page still works
  }
}

function shortThumb(t: string | null): string {
  return t ? `${t.slice(0, 8)}…${t.slice(-6)}` : 'not revealed';
}

function ConnectorCard({
  c,
  canOperate,
  now,
}: {
  c: TenantDetail['connectors'][number];
  canOperate: boolean;
  now: Date;
}) {
  return (
    <Card>
      <CardHeader
        actions={
          <>
            <LinkButton href={`/connectors/${c.id}`} variant="secondary" size="sm">
              Details
            </LinkButton>
            {canOperate ? (
              c.activeRotation ? (
                <LinkButton href={`/rotations/${c.activeRotation.id}`} variant="secondary" size="sm">
                  Rotation under way
                </LinkButton>
              ) : (
                <LinkButton href={`/rotations/new?connector=${c.id}`} size="sm">
                  Rotate
                </LinkButton>
              )
            ) : null}
          </>
        }
      >
        <CardTitle as="h3">
          <Link href={`/connectors/${c.id}`} className="underline-offset-2 hover:underline">
            {c.displayName}
          </Link>
        </CardTitle>
        <CardDescription className="flex flex-wrap items-center gap-2">
          <StatusChip status={c.status} size="sm" />
          <span>{c.typeName}</span>
          <span>
            · app id <Mono>{c.appId}</Mono>
          </span>
          {c.missingSince ? <Badge tone="danger">Gone from the tenant since {formatDate(c.missingSince)}</Badge> : null}
        </CardDescription>
      </CardHeader>
      <CardBody className="space-y-3">
        {c.reasons.length ? (
          <p className="text-sm text-fg-muted">{c.reasons.map((r) => r.message).join(' · ')}</p>
        ) : null}
        <p className="text-sm">
          <span className="text-fg-muted">Certificate Rekey expects: </span>
          {c.certificate ? (
            <>
              <Link href={`/certificates/${c.certificate.id}`} className="underline-offset-2 hover:underline">
                {c.certificate.subject}
              </Link>{' '}
              · <Mono>{shortThumb(c.certificate.sha1Thumbprint)}</Mono> · expires {formatDate(c.certificate.notAfter)}
            </>
          ) : (
            'none recorded'
          )}
        </p>
        {c.observedAt === null ? (
          <p className="text-sm text-fg-muted">Not scanned yet: the credentials in the tenant are unknown.</p>
        ) : c.credentials.length === 0 ? (
          <p className="text-sm text-fg-muted">
            The tenant holds no credential for this connector (scanned {formatRelativeTime(c.observedAt, now)}).
          </p>
        ) : (
          <TableContainer>
            <Table>
              <caption className="px-3 py-2 text-left text-xs text-fg-muted">
                Credentials in the tenant for {c.displayName}, scanned {formatRelativeTime(c.observedAt, now)}
              </caption>
              <THead>
                <TR>
                  <TH>On</TH>
                  <TH>Kind</TH>
                  <TH>Identity (SHA-1, secret hint, federated issuer)</TH>
                  <TH>Valid from</TH>
                  <TH>Expires</TH>
                  <TH>Name</TH>
                  <TH>Rekey</TH>
                </TR>
              </THead>
              <TBody>
                {c.credentials.map((k) => (
                  <TR key={`${k.on}:${k.keyId}`}>
                    <TD>{k.on === 'application' ? 'Application' : 'Service principal'}</TD>
                    <TD>{credentialKindLabel(k)}</TD>
                    <TD>{k.kind ? <CredentialIdentity c={k} /> : <Mono>{k.thumbprint ?? 'not revealed'}</Mono>}</TD>
                    <TD>{k.startDateTime ? formatDate(k.startDateTime) : '—'}</TD>
                    <TD>{k.endDateTime ? formatDate(k.endDateTime) : '—'}</TD>
                    <TD className="max-w-48 truncate">{k.displayName ?? '—'}</TD>
                    <TD>{k.known ? <Badge tone="success">Known</Badge> : <Badge tone="danger">Unknown</Badge>}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </TableContainer>
        )}
      </CardBody>
    </Card>
  );
}

export default async function TenantPage({ params, searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const { id } = await params;
  const sp = await searchParams;
  try {
    await requireTenantAccess(principal, id, 'viewer');
  } catch (e) {
    if (isRekeyError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
  const evidencePage = Math.max(1, Number(firstParam(sp.evidencePage)) || 1);
  const [detail, evidence, consentUrl, maxScanAgeHours] = await Promise.all([
    getTenantDetail(ctx, id),
    getTenantEvidence(ctx, { tenantId: id, page: evidencePage, pageSize: 25 }),
    consentUrlOf(ctx, id),
    getMaxScanAgeHours(ctx),
  ]);
  if (!detail) notFound();
  const { tenant, connectors } = detail;
  const canOperate = canAccessTenant(principal, tenant, 'operator');
  const now = new Date();
  const drifted = connectors.filter((c) => c.drift?.drifted);
  const scanned = connectors.some((c) => c.observedAt !== null);
  const logState = LOG_STATE[tenant.signInLogState] ?? LOG_STATE.unknown!;
  const targeted = connectors.filter((c) => c.status === 'targeted').length;
  const access = tenantAccess(tenant, now, maxScanAgeHours);
  const exposed = connectors.filter((c) => isExposedStatus(c.status)).length;

  return (
    <>
      <PageHeader
        title={tenant.displayName}
        breadcrumbs={[{ href: '/tenants', label: 'Tenants' }]}
        description={`${tenant.defaultDomain ?? tenant.entraTenantId} · ${tenant.region}${tenant.group ? ` · ${tenant.group}` : ''}`}
        actions={
          <LinkButton href={`/audit?tenant=${tenant.id}`} variant="secondary" size="sm">
            Audit history
          </LinkButton>
        }
      />

      {access.access !== 'ok' ? (
        <Alert
          tone={access.access === 'no_access' ? 'danger' : 'warning'}
          title={`${TENANT_ACCESS_LABEL[access.access]}: Rekey cannot vouch for this tenant now`}
          className="mb-6"
        >
          <p>{access.reason}</p>
          <p className="mt-1">
            Last known state: {formatNumber(connectors.length)} connector{connectors.length === 1 ? '' : 's'}
            {exposed ? `, ${formatNumber(exposed)} exposed (still counted exposed until a successful scan)` : ''}
            {tenant.lastScanAt ? `, as of ${formatDateTime(tenant.lastScanAt)}` : ', never scanned'}.
            {access.access === 'no_access' && consentUrl ? ' Send the admin consent link below to the tenant.' : ''}
          </p>
        </Alert>
      ) : null}

      {targeted > 0 ? (
        <Alert tone="danger" title="This tenant was targeted with a compromised certificate" className="mb-6">
          Sign-in logs show a compromised credential used from addresses outside the vendor&apos;s known ranges (
          {evidence.counts.unknownAddress} unknown-address sign-in{evidence.counts.unknownAddress === 1 ? '' : 's'}).
          Re-establish the connection: delete the old credential first.
        </Alert>
      ) : null}

      <section aria-label="Key figures" className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Connectors" value={formatNumber(connectors.length)} />
        <Stat label="With drift" value={formatNumber(drifted.length)} tone={drifted.length ? 'warning' : 'default'} />
        <Stat
          label="Unknown-address sign-ins"
          value={formatNumber(evidence.counts.unknownAddress)}
          tone={evidence.counts.unknownAddress ? 'danger' : 'default'}
        />
        <Stat
          label="Sign-in logs"
          value={logState.label}
          tone={logState.tone === 'success' ? 'default' : logState.tone === 'danger' ? 'danger' : 'warning'}
        />
      </section>

      <div className="mb-6 grid grid-cols-1 gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Facts</CardTitle>
          </CardHeader>
          <CardBody>
            <DescriptionList
              items={[
                { term: 'Entra tenant id', value: <Mono>{tenant.entraTenantId}</Mono> },
                { term: 'Domain', value: tenant.defaultDomain ?? '—' },
                { term: 'Region', value: tenant.region },
                { term: 'Group', value: tenant.group ?? '—' },
                { term: 'Onboarded', value: formatDateTime(tenant.createdAt) },
              ]}
            />
          </CardBody>
        </Card>

        <Card>
          <CardHeader actions={canOperate ? <ConsentCheckButton tenantId={tenant.id} /> : null}>
            <CardTitle>Consent</CardTitle>
            <CardDescription>
              Rekey&apos;s management app in this tenant, and the permissions it was granted.
            </CardDescription>
          </CardHeader>
          <CardBody className="space-y-3">
            <DescriptionList
              items={[
                { term: 'State', value: <StatusChip kind="consent" status={tenant.consentState} /> },
                { term: 'Detail', value: tenant.consentDetail ?? 'Not checked yet.' },
                {
                  term: 'Checked',
                  value: tenant.consentCheckedAt
                    ? `${formatDateTime(tenant.consentCheckedAt)} (${formatRelativeTime(tenant.consentCheckedAt, now)})`
                    : 'Never',
                },
                {
                  term: 'Token checked',
                  value: tenant.tokenIssuedAt
                    ? `issued ${formatDateTime(tenant.tokenIssuedAt)} — the roles below are the ones in that token`
                    : 'No token was issued at the last check',
                },
                {
                  term: 'Granted roles',
                  value: tenant.grantedRoles.length ? (
                    <ul className="flex flex-wrap gap-1" aria-label="Granted roles">
                      {tenant.grantedRoles.map((r) => (
                        <li key={r}>
                          <Badge>{r}</Badge>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    'None'
                  ),
                },
              ]}
            />
            {consentUrl ? (
              canOperate ? (
                // A plain link (no prefetch): the route starts a consent request bound to you — single
                // use, expiring (ADR 015) — and sends you on to Entra ID.
                <div className="space-y-1">
                  <a href={`/tenants/${tenant.id}/admin-consent`} className={buttonClasses('primary', 'md')}>
                    Open admin consent
                  </a>
                  <p className="text-sm text-fg-muted">
                    Opens Entra ID&apos;s admin consent for this tenant; sign in there as its Global Administrator. The
                    request is yours alone, works once and expires after 30 minutes.
                  </p>
                </div>
              ) : null
            ) : (
              <p className="text-sm text-fg-muted">
                The management app is not configured, so there is no consent link.
              </p>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Discovery scan</CardTitle>
            <CardDescription>
              Finds the vendor&apos;s connector apps and reads every credential they hold.
            </CardDescription>
          </CardHeader>
          <CardBody className="space-y-3">
            <DescriptionList
              items={[
                {
                  term: 'Last scan',
                  value: tenant.lastScanAt
                    ? `${formatDateTime(tenant.lastScanAt)} (${formatRelativeTime(tenant.lastScanAt, now)})`
                    : 'Never',
                },
                ...(tenant.lastScanError
                  ? [{ term: 'Last error', value: <span className="text-danger">{tenant.lastScanError}</span> }]
                  : []),
              ]}
            />
            {canOperate ? <ScanNowButton tenantId={tenant.id} /> : null}
          </CardBody>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Sign-in logs</CardTitle>
            <CardDescription>Where the connector apps signed in from: the evidence of misuse.</CardDescription>
          </CardHeader>
          <CardBody className="space-y-3">
            <p className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone={logState.tone}>{logState.label}</Badge>
              {tenant.signInLogState === 'unavailable_license' ? (
                <strong>Evidence unavailable: needs Entra ID P1/P2</strong>
              ) : null}
            </p>
            <p className="text-sm text-fg-muted">{evidence.signInLog.message}</p>
            <p className="text-xs text-fg-subtle">
              Last read: {tenant.lastSignInScanAt ? formatDateTime(tenant.lastSignInScanAt) : 'never'}
            </p>
            {canOperate ? <ScanSignInsButton tenantId={tenant.id} /> : null}
          </CardBody>
        </Card>
      </div>

      <section aria-labelledby="connectors-heading" className="mb-6 space-y-3">
        <h2 id="connectors-heading" className="text-base font-semibold">
          Connectors and their credentials
        </h2>
        {connectors.length === 0 ? (
          <EmptyState
            title="No connectors found"
            description={
              tenant.lastScanAt
                ? 'The last scan found no vendor connector app in this tenant.'
                : 'Scan the tenant to discover its vendor connectors.'
            }
            icon="plug"
          />
        ) : (
          <div className="space-y-4">
            {connectors.map((c) => (
              <ConnectorCard key={c.id} c={c} canOperate={canOperate} now={now} />
            ))}
          </div>
        )}
      </section>

      <section aria-labelledby="drift-heading" className="mb-6">
        <Card>
          <CardHeader>
            <CardTitle id="drift-heading">Drift</CardTitle>
            <CardDescription>
              Credentials in the tenant that Rekey did not put there (possible attacker persistence), and expected
              certificates that are missing.
            </CardDescription>
          </CardHeader>
          <CardBody>
            {!scanned ? (
              <p className="text-sm text-fg-muted">Not judged yet: scan the tenant first.</p>
            ) : drifted.length === 0 ? (
              <p className="text-sm text-success">No drift: every credential in the tenant is one Rekey expects.</p>
            ) : (
              <ul className="space-y-3">
                {drifted.map((c) => (
                  <li key={c.id} className="rounded-md border border-border p-3 text-sm">
                    <p className="font-medium">
                      <Link href={`/connectors/${c.id}`} className="underline-offset-2 hover:underline">
                        {c.displayName}
                      </Link>
                    </p>
                    {c.drift!.unknown.map((u) => (
                      <p key={`${u.on}:${u.keyId}`} className="mt-1">
                        <Badge tone="danger">Unknown credential</Badge> {credentialKindLabel(u).toLowerCase()} on the{' '}
                        {u.on === 'application' ? 'application' : 'service principal'}: <CredentialIdentity c={u} />
                        {u.displayName && u.kind !== 'federated' ? ` “${u.displayName}”` : ''}
                        {u.startDateTime ? `, valid from ${formatDate(u.startDateTime)}` : ''}
                        {u.endDateTime ? ` until ${formatDate(u.endDateTime)}` : ''}
                      </p>
                    ))}
                    {c.drift!.missing.map((m) => (
                      <p key={m.thumbprint} className="mt-1">
                        <Badge tone="warning">Missing</Badge> the current certificate <Mono>{m.thumbprint}</Mono> is not
                        in the tenant
                      </p>
                    ))}
                  </li>
                ))}
              </ul>
            )}
          </CardBody>
        </Card>
      </section>

      <section aria-labelledby="evidence-heading" className="space-y-3">
        <div>
          <h2 id="evidence-heading" className="text-base font-semibold">
            Sign-in evidence
          </h2>
          <p className="text-sm text-fg-muted">
            {formatNumber(evidence.counts.total)} sign-in{evidence.counts.total === 1 ? '' : 's'} stored:{' '}
            {formatNumber(evidence.counts.unknownAddress)} from unknown addresses,{' '}
            {formatNumber(evidence.counts.vendor)} from the vendor&apos;s ranges.
          </p>
        </div>
        {tenant.signInLogState !== 'available' && evidence.counts.total === 0 ? (
          <Alert tone="warning" title="Evidence unavailable" live="none">
            {evidence.signInLog.message}
          </Alert>
        ) : evidence.items.length === 0 ? (
          <EmptyState
            title="No sign-in evidence"
            description="No sign-in with a compromised credential or from an unknown address was found."
            icon="shield"
          />
        ) : (
          <>
            <TableContainer label="Evidence table">
              <Table>
                <caption className="sr-only">Sign-in evidence for {tenant.displayName}</caption>
                <THead>
                  <TR>
                    <TH>Time</TH>
                    <TH>Address</TH>
                    <TH>Source</TH>
                    <TH>Resource</TH>
                    <TH>Result</TH>
                    <TH>Credential</TH>
                    <TH>Connector</TH>
                  </TR>
                </THead>
                <TBody>
                  {evidence.items.map((e) => (
                    <TR key={e.id}>
                      <TD className="whitespace-nowrap">
                        <time dateTime={e.at.toISOString()}>{formatDateTime(e.at)}</time>
                      </TD>
                      <TD>
                        <Mono>{e.ipAddress}</Mono>
                      </TD>
                      <TD>
                        {e.classification === 'unknown' ? (
                          <Badge tone="danger">Unknown address</Badge>
                        ) : (
                          <Badge tone="success">Vendor</Badge>
                        )}
                      </TD>
                      <TD>{e.resource ?? '—'}</TD>
                      <TD className={e.errorCode ? 'text-warning' : undefined}>{e.result}</TD>
                      <TD>
                        <SignInCredential e={e} />
                      </TD>
                      <TD>
                        {e.connectorId ? (
                          <Link href={`/connectors/${e.connectorId}`} className="underline-offset-2 hover:underline">
                            {e.connectorName}
                          </Link>
                        ) : (
                          '—'
                        )}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </TableContainer>
            <Pagination
              page={evidence.page}
              pageSize={evidence.pageSize}
              total={evidence.counts.total}
              pathname={`/tenants/${tenant.id}`}
              searchParams={sp}
              param="evidencePage"
            />
          </>
        )}
      </section>
    </>
  );
}
