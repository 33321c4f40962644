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
import { pageContext } from '@/lib/auth/context';
import { viewCertificate } from '@/lib/certificates/view-certificates';
import { formatDate, formatDateTime } from '@/lib/utils';
import { ExportPfx } from '../_components/export-pfx';
import { RegionReplacement } from '../_components/region-replacement';

export const metadata: Metadata = { title: 'Certificate · Rekey' };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> };

export default async function CertificatePage({ params, searchParams }: Props) {
  const ctx = await pageContext('viewer');
  const sp = await searchParams;
  const view = await viewCertificate(ctx, { id: (await params).id });
  if (!view) notFound();
  // Connectors are tenant-owned: the use case lists only those in the viewer's scope.
  const { certificate: c, state, impacts, replacementOf, mayDesignate, mayExport, isAdmin, exportConfirm } = view;
  const connectors = c.connectors;
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
                  value: (
                    <span data-testid="private-key-state">
                      {c.hasPrivateKey
                        ? 'Held by Rekey, encrypted at rest (AES-256-GCM). It is never shown here; an admin can export it as a password-protected PFX for the vendor’s service.'
                        : 'Not held: Rekey verifies this certificate by its presence in the tenant. There is no key to export.'}
                    </span>
                  ),
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
                {isAdmin
                  ? 'An expired or compromised certificate cannot be a region’s replacement.'
                  : 'An admin of every tenant can make a certificate a region’s replacement.'}
              </p>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Hand-off to the vendor’s service</CardTitle>
          </CardHeader>
          <CardBody className="space-y-3 text-sm">
            <p>
              The public certificate is the <strong>.pem</strong> or <strong>.cer</strong> download above. The vendor’s
              service also needs the private key: a PFX (PKCS#12, AES-256) protected by a password you choose.
            </p>
            {mayExport ? (
              <ExportPfx certificateId={c.id} confirm={exportConfirm} />
            ) : (
              <p className="text-fg-muted" data-testid="export-unavailable">
                {!c.hasPrivateKey
                  ? 'Rekey does not hold this certificate’s private key, so there is no PFX to export.'
                  : 'Only an admin (of every tenant) can export the private key.'}
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
