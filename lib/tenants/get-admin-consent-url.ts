import { defaultPublicUrl, env } from '@/lib/env';
import { getTenant } from '@/lib/tenants/get-tenant';
import type { UseCaseContext } from '@/lib/use-case';

/**
 * Rekey's own link that starts admin consent for a tenant: a signed-in operator opens it, Rekey
 * creates a single-use, expiring `state` bound to them (startAdminConsent) and sends them on to
 * Entra ID's /adminconsent. Throws CONFIG when the management app is not configured.
 */
export async function getAdminConsentUrl(
  ctx: Pick<UseCaseContext, 'db' | 'graph'>,
  input: { tenantId: string },
): Promise<string> {
  const t = await getTenant(ctx, { tenantId: input.tenantId });
  ctx.graph(t.entraTenantId); // the management app must be configured for a consent link to make sense
  const e = env();
  return `${(e.REKEY_PUBLIC_URL ?? defaultPublicUrl(e)).replace(/\/+$/, '')}/tenants/${t.id}/admin-consent`;
}
