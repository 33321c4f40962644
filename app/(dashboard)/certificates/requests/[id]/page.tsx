import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody, CardHeader, CardTitle } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { DescriptionList } from '@/components/ui/description-list';
import { pageContext } from '@/lib/auth/context';
import { viewCertificateRequest } from '@/lib/certificates/view-certificates';
import { formatDateTime } from '@/lib/utils';
import { CompleteCsr } from '../../_components/complete-csr';

export const metadata: Metadata = { title: 'Certificate request · Rekey' };

type Props = { params: Promise<{ id: string }> };

/** A CSR waiting for the vendor's CA: the request to send, and where the issued certificate comes back. */
export default async function CertificateRequestPage({ params }: Props) {
  const ctx = await pageContext('viewer');
  const r = await viewCertificateRequest(ctx, { id: (await params).id });
  if (!r) notFound();
  if (r.certificateId) redirect(`/certificates/${r.certificateId}`);
  return (
    <>
      <PageHeader
        title={r.subject}
        breadcrumbs={[{ href: '/certificates', label: 'Certificates' }]}
        description="Certificate request (CSR) waiting for the vendor’s CA. Rekey holds its private key, encrypted; send the request below to the CA and upload the certificate it issues here."
      />
      <div className="grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <Card>
          <CardHeader>
            <CardTitle>1 · Send the request to the CA</CardTitle>
          </CardHeader>
          <CardBody className="min-w-0 space-y-3">
            <DescriptionList
              items={[
                { term: 'Subject', value: r.subject },
                { term: 'Created', value: formatDateTime(r.createdAt) },
                { term: 'Private key', value: 'Held by Rekey, encrypted at rest; it never leaves with the request.' },
              ]}
            />
            <CodeBlock title="Certificate signing request (PEM)" code={r.csrPem} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>2 · Upload the issued certificate</CardTitle>
          </CardHeader>
          <CardBody className="space-y-3 text-sm">
            {r.mayComplete ? (
              <CompleteCsr requestId={r.id} />
            ) : (
              <Alert tone="info">An operator or admin uploads the issued certificate.</Alert>
            )}
            <p className="text-fg-muted">
              Made a mistake? Create a new request from{' '}
              <Link href="/certificates/new" className="underline">
                Add a certificate
              </Link>
              .
            </p>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
