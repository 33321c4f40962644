import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody } from '@/components/ui/card';
import { Tabs } from '@/components/ui/tabs';
import { requirePrincipal } from '@/lib/auth/context';
import { isFleetWide } from '@/lib/auth/principal';
import { firstParam } from '@/lib/utils';
import { ImportAdvisoryForm, MarkCompromisedForm, PasteAdvisoryForm } from './_components/advisory-forms';

export const metadata: Metadata = { title: 'New advisory' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NewAdvisoryPage({ searchParams }: Props) {
  const principal = await requirePrincipal('operator');
  const sp = await searchParams;
  const certificate = firstParam(sp.certificate);
  return (
    <>
      <PageHeader
        title="New advisory"
        breadcrumbs={[{ href: '/advisories', label: 'Advisories' }]}
        description="Name the compromised certificates; Rekey re-classifies every connector that uses them or still holds them, in the same step. Input is all-or-nothing: a bad row is named and nothing is saved."
      />
      {!isFleetWide(principal, 'operator') ? (
        <Alert tone="warning" title="This needs the Operator role for the whole fleet" className="mb-6">
          An advisory re-classifies connectors in every tenant, and your role is limited to some tenants. Ask a
          fleet-wide operator or an admin.
        </Alert>
      ) : null}
      <Card>
        <CardBody>
          <Tabs
            label="How to create the advisory"
            defaultTab={certificate ? 'mark' : 'paste'}
            items={[
              { id: 'paste', label: 'Paste indicators', content: <PasteAdvisoryForm /> },
              { id: 'upload', label: 'Upload JSON or CSV', content: <ImportAdvisoryForm /> },
              {
                id: 'mark',
                label: 'Mark a certificate compromised',
                content: <MarkCompromisedForm defaultCertificate={certificate} />,
              },
            ]}
          />
        </CardBody>
      </Card>
    </>
  );
}
