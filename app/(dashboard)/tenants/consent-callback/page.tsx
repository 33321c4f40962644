import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { actorFor, requirePrincipal } from '@/lib/auth/context';
import { completeAdminConsent } from '@/lib/tenants/admin-consent-request';
import { firstParam } from '@/lib/utils';
import { createUseCaseContext } from '@/lib/use-case-defaults';

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
  const principal = await requirePrincipal('operator');
  const sp = await searchParams;
  const params = Object.fromEntries(PARAMS.map((k) => [k, firstParam(sp[k])]));
  const outcome = await completeAdminConsent(
    { params, userId: principal.userId },
    createUseCaseContext({ actor: actorFor(principal, await headers()), now: new Date(), principal }),
  );
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
