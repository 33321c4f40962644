import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { requirePrincipal } from '@/lib/auth/context';
import { tenantScopeWhere } from '@/lib/auth/principal';
import { db } from '@/lib/db';
import { firstParam } from '@/lib/utils';

export const metadata: Metadata = { title: 'Admin consent' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * Where Entra ID sends a customer's admin after the admin-consent prompt
 * (`?tenant=<id>&admin_consent=True`, or `?error=…&error_description=…`).
 * Nothing changes here: the tenant's page runs the consent check, which reads the tenant for real.
 */
export default async function ConsentCallbackPage({ searchParams }: Props) {
  const principal = await requirePrincipal('viewer');
  const sp = await searchParams;
  const entraId = firstParam(sp.tenant);
  const error = firstParam(sp.error);
  const tenant =
    entraId && /^[0-9a-f-]{36}$/i.test(entraId)
      ? await db.tenant.findFirst({
          where: { AND: [tenantScopeWhere(principal, 'viewer'), { entraTenantId: entraId.toLowerCase() }] },
          select: { id: true, displayName: true },
        })
      : null;
  return (
    <>
      <PageHeader title="Admin consent" breadcrumbs={[{ href: '/tenants', label: 'Tenants' }]} />
      {error ? (
        <Alert tone="danger" title="Consent was not granted">
          {firstParam(sp.error_description) ?? error}. Send the admin-consent link to a Global Administrator of the
          tenant and try again.
        </Alert>
      ) : (
        <Alert tone="success" title="Consent granted">
          {tenant ? (
            <>
              Open{' '}
              <Link className="underline" href={`/tenants/${tenant.id}`}>
                {tenant.displayName}
              </Link>{' '}
              and run “Check consent” to confirm Rekey&apos;s permissions there.
            </>
          ) : (
            <>
              Open the tenant from the{' '}
              <Link className="underline" href="/tenants">
                tenants list
              </Link>{' '}
              and run “Check consent”.
            </>
          )}
        </Alert>
      )}
    </>
  );
}
