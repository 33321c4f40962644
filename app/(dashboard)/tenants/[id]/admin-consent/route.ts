import { z } from 'zod';
import { defineRoute } from '@/lib/auth/action';
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import { startAdminConsent } from '@/lib/tenants/admin-consent-request';

/**
 * GET (the tenant page's "Open admin consent" link, a top-level navigation so the cross-origin
 * redirect is allowed under the CSP's form-action): starts an admin-consent request bound to
 * the signed-in operator and this tenant, then sends the browser to Entra ID's /adminconsent with
 * its single-use `state`. The consent callback completes it (ADR 015).
 */
export const GET = defineRoute({
  name: 'tenants.admin-consent',
  role: 'operator',
  input: z.object({}).passthrough(),
  handler: async (_input, ctx) => {
    const { id } = z.object({ id: z.uuid() }).parse(ctx.params);
    await requireTenantAccess(ctx.principal, id, 'operator');
    const { url } = await startAdminConsent({ tenantId: id, userId: ctx.principal.userId }, ctx);
    return new Response(null, { status: 303, headers: { location: url, 'cache-control': 'no-store' } });
  },
});
