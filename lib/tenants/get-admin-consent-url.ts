import { defaultPublicUrl, env } from '@/lib/env';
import { getTenant } from '@/lib/tenants/get-tenant';
import { graphOf, type TenantUseCaseContext } from '@/lib/tenants/tenant-context';

/**
 * Rekey's own link that starts admin consent for a tenant: a signed-in operator opens it, Rekey
 * creates a single-use, expiring `state` bound to them (startAdminConsent) and sends them on to
 * Entra ID's /adminconsent. Throws CONFIG when the management app is not configured.
 */
export async function getAdminConsentUrl(input: { tenantId: string }, ctx: TenantUseCaseContext): Promise<string> {
  const t = await getTenant(input.tenantId);
  graphOf(ctx); // the management app must be configured for a consent link to make sense
  const e = env();
  return `${(e.REKEY_PUBLIC_URL ?? defaultPublicUrl(e)).replace(/\/+$/, '')}/tenants/${t.id}/admin-consent`;
}
