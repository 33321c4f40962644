import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { pageContext } from '@/lib/auth/context';
import { isFleetWide } from '@/lib/auth/principal';
import { listFilterOptionsFor } from '@/lib/fleet/list-filter-options';
import { AddTenantForm } from './_components/add-tenant-form';
import { ImportTenantsForm } from './_components/import-tenants-form';

export const metadata: Metadata = { title: 'Add tenants' };

export default async function NewTenantsPage() {
  const ctx = await pageContext('operator');
  const { principal } = ctx;
  const fleetWide = isFleetWide(principal, 'operator');
  const { regions, groups } = await listFilterOptionsFor(ctx);
  return (
    <>
      <PageHeader
        title="Add tenants"
        breadcrumbs={[{ href: '/tenants', label: 'Tenants' }]}
        description="Onboard one tenant by its id or domain, or many from a CSV. Then each tenant's Global Administrator consents Rekey's management app with the admin consent link, and a consent check confirms it."
      />
      {!fleetWide ? (
        <Alert tone="warning" title="Adding tenants needs the Operator role for the whole fleet" className="mb-6">
          Your Operator role is limited to some tenants or groups, so you could not see a tenant you add. Ask an admin
          to add it.
        </Alert>
      ) : null}
      <div className="grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <Card>
          <CardHeader>
            <CardTitle>Add one tenant</CardTitle>
            <CardDescription>
              A domain is resolved to its tenant id through Entra ID&apos;s public OpenID configuration.
            </CardDescription>
          </CardHeader>
          <CardBody>
            <AddTenantForm regions={regions} groups={groups.filter((g): g is string => Boolean(g))} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Import from CSV</CardTitle>
            <CardDescription>
              Every row is checked first: invalid ids, duplicates, unknown domains and tenants already onboarded. If any
              row fails, nothing is imported.
            </CardDescription>
          </CardHeader>
          <CardBody>
            <ImportTenantsForm />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
