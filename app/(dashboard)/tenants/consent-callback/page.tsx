import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { pageContext } from '@/lib/auth/context';
import { completeAdminConsent } from '@/lib/tenants/admin-consent-request';
import { firstParam } from '@/lib/utils';

export const metadata: Metadata = { title: 'Admin consent' };
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PARAMS = ['state', 'admin_consent', 'tenant', 'scope', 'error', 'error_subcode', 'error_description'] as const;

/**
 * Where Entra ID sends the admin after the admin-consent prompt: `?admin_consent=True&tenant=<id>&state=…`
 * or `?error=…&error_description=…&state=…`. The `state` must be one this signed-in user started
 * from a tenant's page (single use, expiring — lib/tenants/admin-consent-request.ts); on success
 * Rekey checks the tenant for real (a token and its roles), and a reload shows the same result.
 */
export default async function ConsentCallbackPage({ searchParams }: Props) {
  const ctx = await pageContext('operator');
  const sp = await searchParams;
  const params = Object.fromEntries(PARAMS.map((k) => [k, firstParam(sp[k])]));
  const outcome = await completeAdminConsent({ params, userId: ctx.principal.userId }, ctx);
  const tenantLink =
    outcome.kind === 'rejected' ? null : (
      <Link className="underline" href={`/tenants/${outcome.tenantId}`}>
        {outcome.tenantName}
      </Link>
    );
  return (
    <>
      <PageHeader title="Admin consent" breadcrumbs={[{ href: '/tenants', label: 'Tenants' }]} />
      <div data-testid="consent-outcome" data-kind={outcome.kind}>
        {outcome.kind === 'granted' ? (
          <Alert tone="success" title="Consent granted">
            {outcome.message} Back to {tenantLink}.
          </Alert>
        ) : outcome.kind === 'declined' ? (
          <Alert tone="warning" title="Consent declined">
            {outcome.message} Back to {tenantLink}.
          </Alert>
        ) : outcome.kind === 'failed' ? (
          <Alert tone="danger" title="Consent was not granted">
            {outcome.message} Back to {tenantLink}.
          </Alert>
        ) : (
          <Alert tone="danger" title="Consent response not accepted">
            {outcome.message}{' '}
            <Link className="underline" href="/tenants">
              Tenants
            </Link>
          </Alert>
        )}
      </div>
    </>
  );
}
