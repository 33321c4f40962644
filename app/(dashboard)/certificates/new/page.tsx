import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody } from '@/components/ui/card';
import { Tabs } from '@/components/ui/tabs';
import { requirePrincipal } from '@/lib/auth/context';
import { CertificateUpload } from '../_components/certificate-upload';
import { CsrForm, GenerateForm } from '../_components/generate-form';

export const metadata: Metadata = { title: 'Add a certificate · Rekey' };

export default async function NewCertificatePage() {
  await requirePrincipal('operator');
  return (
    <>
      <PageHeader
        title="Add a certificate"
        breadcrumbs={[{ href: '/certificates', label: 'Certificates' }]}
        description="Upload the certificate your vendor issued, generate one in Rekey, or create a CSR for the vendor's CA. Every file is checked before anything is stored. Making a certificate a region's replacement is a separate step on its page."
      />
      <Card>
        <CardBody>
          <Tabs
            label="How to add the certificate"
            items={[
              { id: 'upload', label: 'Upload', content: <CertificateUpload /> },
              { id: 'generate', label: 'Generate', content: <GenerateForm /> },
              { id: 'csr', label: 'CSR for the vendor’s CA', content: <CsrForm /> },
            ]}
          />
        </CardBody>
      </Card>
    </>
  );
}
