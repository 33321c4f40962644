import { adminConsentUrl } from '@/lib/graph/admin-consent-url';
import { getTenant } from '@/lib/tenants/get-tenant';
import type { UseCaseContext } from '@/lib/use-case';

/** The link a tenant's Global Administrator opens to consent Rekey's management app there. */
export async function getAdminConsentUrl(
  ctx: Pick<UseCaseContext, 'graph'>,
  input: { tenantId: string; redirectUri?: string },
): Promise<string> {
  const t = await getTenant(input.tenantId);
  const g = ctx.graph(t.entraTenantId);
  return adminConsentUrl({
    authorityHost: g.authorityHost,
    tenantId: t.entraTenantId,
    clientId: g.clientId,
    redirectUri: input.redirectUri,
    state: t.id,
  });
}
