import { adminConsentUrl } from '@/lib/graph/admin-consent-url';
import { getTenant } from '@/lib/tenants/get-tenant';
import { graphOf, type TenantUseCaseContext } from '@/lib/tenants/tenant-context';

/** The link a tenant's Global Administrator opens to consent Rekey's management app there. */
export async function getAdminConsentUrl(
  input: { tenantId: string; redirectUri?: string },
  ctx: TenantUseCaseContext,
): Promise<string> {
  const t = await getTenant(input.tenantId);
  const g = graphOf(ctx);
  return adminConsentUrl({
    authorityHost: g.authorityHost,
    tenantId: t.entraTenantId,
    clientId: g.clientId,
    redirectUri: input.redirectUri,
    state: t.id,
  });
}
