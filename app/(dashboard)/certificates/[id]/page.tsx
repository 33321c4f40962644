import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/shell/page-header';
import { StatusChip } from '@/components/status/status-chip';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { DescriptionList } from '@/components/ui/description-list';
import { LinkButton } from '@/components/ui/link-button';
import { requirePrincipal } from '@/lib/auth/context';
import { canAccessTenant, isFleetWide, tenantScopeWhere } from '@/lib/auth/principal';
import { certificateState, getCertificate } from '@/lib/certificates/list-certificates';
import { regionReplacementImpacts } from '@/lib/certificates/set-region-replacement';
import { db } from '@/lib/db';
import { formatDate, formatDateTime } from '@/lib/utils';
import { RegionReplacement } from '../_components/region-replacement';

export const metadata: Metadata = { title: 'Certificate · Rekey' };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> };

export default async function CertificatePage({ params, searchParams }: Props) {
  const principal = await requirePrincipal('viewer');
  const { id } = await params;
  const sp = await searchParams;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const c = await getCertificate(db, id, tenantScopeWhere(principal, 'viewer'));
  if (!c) notFound();
  const state = certificateState({ notAfter: c.notAfter, compromised: c.advisories.length > 0 }, new Date());
  // Connectors are tenant-owned: show only those in the viewer's scope.
  const connectors = c.connectors.filter((x) => canAccessTenant(principal, x.tenant, 'viewer'));
  const mayDesignate = isFleetWide(principal, 'admin') && state !== 'expired' && !c.advisories.length;
  const impacts = await regionReplacementImpacts(db, new Date());
  const replacementOf = impacts.find((i) => i.previous?.id === c.id)?.region ?? null;
  return (
    <>
      <PageHeader
        title={c.subject}
        breadcrumbs={[{ href: '/certificates', label: 'Certificates' }]}
        description={c.label ?? undefined}
        actions={
          <>
            <LinkButton href={`/certificates/${c.id}/download?format=pem`} variant="secondary" size="sm">
              Download .pem
            </LinkButton>
            <LinkButton href={`/certificates/${c.id}/download?format=cer`} variant="secondary" size="sm">
              Download .cer
            </LinkButton>
          </>
        }
      />
      {sp.created ? (
        <Alert tone="success" className="mb-4">
          Saved to the inventory.
        </Alert>
      ) : null}
      {c.advisories.length ? (
        <Alert tone="danger" title="Listed as compromised" className="mb-4">
          {c.advisories.map((a) => (
            <Link key={a.id} href={`/advisories/${a.id}`} className="mr-3 underline">
              {a.title} ({a.severity})
            </Link>
          ))}
        </Alert>
      ) : null}
      <div className="grid gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Facts</CardTitle>
          </CardHeader>
          <CardBody>
            <DescriptionList
              items={[
                {
                  term: 'State',
                  value: (
                    <Badge tone={state === 'valid' ? 'success' : state === 'expiring' ? 'warning' : 'danger'}>
                      {state}
                    </Badge>
                  ),
                },
                { term: 'Issuer', value: c.issuer },
                { term: 'Valid', value: `${formatDate(c.notBefore)} → ${formatDate(c.notAfter)}` },
                {
                  term: 'Key',
                  value: `${c.keyType}${c.keySize ? ` ${c.keySize}` : ''}${c.curve ? ` ${c.curve}` : ''}`,
                },
                { term: 'Signature', value: c.signatureAlgorithm },
                { term: 'SHA-1 thumbprint', value: <Mono>{c.sha1Thumbprint}</Mono> },
                { term: 'SHA-256 thumbprint', value: <Mono>{c.sha256Thumbprint}</Mono> },
                { term: 'Serial number', value: <Mono>{c.serialNumber}</Mono> },
                {
                  term: 'Private key',
                  value: c.hasPrivateKey
                    ? 'Held by Rekey, encrypted at rest (AES-256-GCM). It is never shown or downloaded here; export a PFX with the CLI: rekey cert export.'
                    : 'Not held: Rekey verifies this certificate by its presence in the tenant.',
                },
                { term: 'Source', value: `${c.source}, added ${formatDateTime(c.createdAt)}` },
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Region’s replacement</CardTitle>
          </CardHeader>
          <CardBody className="space-y-3 text-sm">
            <p data-testid="region-replacement-state">
              {replacementOf
                ? `This is the replacement certificate for ${replacementOf}: the rotation wizard and new campaigns offer it first for that region’s connectors.`
                : 'Not a region’s replacement. It is offered in the rotation wizard, but never chosen by default.'}
            </p>
            {mayDesignate ? (
              <RegionReplacement certificateId={c.id} impacts={impacts} />
            ) : (
              <p className="text-fg-muted">
                {isFleetWide(principal, 'admin')
                  ? 'An expired or compromised certificate cannot be a region’s replacement.'
                  : 'An admin of every tenant can make a certificate a region’s replacement.'}
              </p>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>
              Used by {connectors.length} connector{connectors.length === 1 ? '' : 's'}
            </CardTitle>
          </CardHeader>
          <CardBody>
            {connectors.length ? (
              <ul className="divide-y divide-border">
                {connectors.map((x) => (
                  <li key={x.id} className="flex items-center justify-between gap-2 py-2">
                    <Link href={`/connectors/${x.id}`} className="underline-offset-2 hover:underline">
                      {x.tenant.displayName} · {x.displayName}
                    </Link>
                    <StatusChip status={x.status} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-fg-muted">No connector in your scope uses this certificate.</p>
            )}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
