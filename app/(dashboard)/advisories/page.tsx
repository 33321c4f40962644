import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { LinkButton } from '@/components/ui/link-button';
import { ProgressBar } from '@/components/ui/progress-bar';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/context';
import { isFleetWide } from '@/lib/auth/principal';
import { listAdvisories } from '@/lib/detection/list-advisories';
import { listTargetedTenants } from '@/lib/detection/list-targeted-tenants';
import { formatDate, formatDateTime, formatNumber, formatRelativeTime } from '@/lib/utils';
import { SEVERITY_TONE } from './severity';

export const metadata: Metadata = { title: 'Advisories' };

export default async function AdvisoriesPage() {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const [advisories, targeted] = await Promise.all([listAdvisories(ctx), listTargetedTenants(ctx)]);
  const now = new Date();
  // An advisory re-classifies connectors in every tenant: only a fleet-wide operator may create one.
  const canCreate = isFleetWide(principal, 'operator');
  return (
    <>
      <PageHeader
        title="Advisories"
        description="Vendor advisories and certificates marked compromised. Each one re-classifies the connectors that use or still hold a named certificate; remediation shows how many are no longer exposed."
        actions={
          canCreate ? (
            <LinkButton href="/advisories/new" size="sm">
              New advisory
            </LinkButton>
          ) : null
        }
      />

      <section aria-labelledby="targeted-heading" className="mb-6">
        <Card className={targeted.length ? 'border-danger-border' : undefined}>
          <CardHeader>
            <CardTitle id="targeted-heading">
              Targeted tenants{' '}
              {targeted.length ? (
                <Badge tone="fuchsia" className="ml-1">
                  {formatNumber(targeted.length)}
                </Badge>
              ) : null}
            </CardTitle>
            <CardDescription>
              Tenants where a compromised credential was used from an address outside the vendor&apos;s known ranges.
              Re-establish these connections first.
            </CardDescription>
          </CardHeader>
          <CardBody>
            {targeted.length === 0 ? (
              <p className="text-sm text-fg-muted">No tenant in your scope shows misuse of a compromised credential.</p>
            ) : (
              <TableContainer label="Tenants under attack">
                <Table>
                  <caption className="sr-only">Targeted tenants</caption>
                  <THead>
                    <TR>
                      <TH>Tenant</TH>
                      <TH>Region</TH>
                      <TH align="right">Targeted connectors</TH>
                      <TH align="right">Unknown-address sign-ins</TH>
                      <TH>Addresses</TH>
                      <TH>Last seen</TH>
                    </TR>
                  </THead>
                  <TBody>
                    {targeted.map((t) => (
                      <TR key={t.tenantId}>
                        <TD>
                          <Link
                            href={`/tenants/${t.tenantId}`}
                            className="font-medium underline-offset-2 hover:underline"
                          >
                            {t.displayName}
                          </Link>
                        </TD>
                        <TD>{t.region}</TD>
                        <TD align="right">{formatNumber(t.targetedConnectors)}</TD>
                        <TD align="right">{formatNumber(t.unknownAddressSignIns)}</TD>
                        <TD>
                          <span className="flex flex-wrap gap-1">
                            {t.unknownAddresses.slice(0, 4).map((a) => (
                              <Mono key={a}>{a}</Mono>
                            ))}
                            {t.unknownAddresses.length > 4 ? (
                              <span className="text-xs text-fg-muted">+{t.unknownAddresses.length - 4}</span>
                            ) : null}
                          </span>
                        </TD>
                        <TD>
                          {t.lastUnknownAt ? (
                            <time dateTime={t.lastUnknownAt.toISOString()} title={formatDateTime(t.lastUnknownAt)}>
                              {formatRelativeTime(t.lastUnknownAt, now)}
                            </time>
                          ) : (
                            '—'
                          )}
                        </TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              </TableContainer>
            )}
          </CardBody>
        </Card>
      </section>

      <section aria-labelledby="advisories-heading" className="space-y-3">
        <h2 id="advisories-heading" className="text-base font-semibold">
          All advisories
        </h2>
        {advisories.length === 0 ? (
          <EmptyState
            title="No advisories yet"
            description="Create one from a vendor advisory, or mark a certificate compromised."
            icon="megaphone"
            action={
              canCreate ? (
                <LinkButton href="/advisories/new" size="sm">
                  New advisory
                </LinkButton>
              ) : null
            }
          />
        ) : (
          <TableContainer label="Advisories">
            <Table>
              <caption className="sr-only">Advisories</caption>
              <THead>
                <TR>
                  <TH>Advisory</TH>
                  <TH>Severity</TH>
                  <TH>Published</TH>
                  <TH align="right">Affected connectors</TH>
                  <TH align="right">Tenants</TH>
                  <TH align="right">Still exposed</TH>
                  <TH className="w-56">Remediation</TH>
                </TR>
              </THead>
              <TBody>
                {advisories.map((a) => {
                  const fixed = Math.max(0, a.affectedConnectors - a.exposedConnectors);
                  return (
                    <TR key={a.id}>
                      <TD>
                        <Link href={`/advisories/${a.id}`} className="font-medium underline-offset-2 hover:underline">
                          {a.title}
                        </Link>
                        <div className="text-xs text-fg-muted">
                          {formatNumber(a.indicatorCount)} indicator{a.indicatorCount === 1 ? '' : 's'} · {a.source}
                        </div>
                      </TD>
                      <TD>
                        <Badge tone={SEVERITY_TONE[a.severity] ?? 'neutral'}>{a.severity}</Badge>
                      </TD>
                      <TD className="whitespace-nowrap">{formatDate(a.publishedAt)}</TD>
                      <TD align="right">{formatNumber(a.affectedConnectors)}</TD>
                      <TD align="right">{formatNumber(a.affectedTenants)}</TD>
                      <TD align="right" className={a.exposedConnectors ? 'font-medium text-danger' : undefined}>
                        {formatNumber(a.exposedConnectors)}
                      </TD>
                      <TD>
                        {a.affectedConnectors ? (
                          <div className="space-y-1">
                            <ProgressBar
                              label={`Remediation of ${a.title}`}
                              value={fixed}
                              max={a.affectedConnectors}
                              valueText={`${formatNumber(fixed)} of ${formatNumber(a.affectedConnectors)} no longer exposed`}
                              tone="success"
                              size="sm"
                            />
                            <p className="tabular text-xs text-fg-muted">
                              {formatNumber(fixed)} of {formatNumber(a.affectedConnectors)} no longer exposed
                            </p>
                          </div>
                        ) : (
                          <span className="text-xs text-fg-muted">No connector affected</span>
                        )}
                      </TD>
                    </TR>
                  );
                })}
              </TBody>
            </Table>
          </TableContainer>
        )}
      </section>
    </>
  );
}
