/**
 * At the end, on the admin's request: delete Rekey's delegated permission grant in their tenant
 * (and, if they choose, the delegated-rotation app's service principal) through Graph, with a token
 * from a fresh sign-in that is used here and never stored. Audited with the admin as actor.
 * A use case `(ctx, input, config)` (lib/use-case.ts) for a public route: the admin's token (input)
 * is the authorization and the Graph access; `config` names the delegated-rotation app and the
 * Graph endpoint, which the caller reads.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { UseCaseContext } from '@/lib/use-case';

/** The delegated-rotation app whose grant is removed, and where Graph is (fetch replaceable in tests). */
export interface ConsentRemovalConfig {
  clientId: string;
  graphEndpoint: string;
  fetchImpl?: typeof fetch;
}

export async function removeDelegatedConsent(
  ctx: Pick<UseCaseContext, 'db' | 'actor' | 'now'>,
  input: { invitationId: string; tenantId: string; accessToken: string; removeServicePrincipal: boolean },
  config: ConsentRemovalConfig,
): Promise<string> {
  const { db } = ctx;
  const f = config.fetchImpl ?? fetch;
  const base = `${config.graphEndpoint.replace(/\/+$/, '')}/v1.0`;
  const headers = { authorization: `Bearer ${input.accessToken}`, 'content-type': 'application/json' };
  const sps = (await (
    await f(`${base}/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${config.clientId}'`)}&$select=id`, {
      headers,
    })
  ).json()) as { value?: { id: string }[] };
  const spId = sps.value?.[0]?.id;
  if (!spId) return "Rekey's access was already removed from your tenant.";
  const grants = (await (
    await f(`${base}/oauth2PermissionGrants?$filter=${encodeURIComponent(`clientId eq '${spId}'`)}`, { headers })
  ).json()) as { value?: { id: string }[] };
  let removedGrants = 0;
  for (const g of grants.value ?? []) {
    const r = await f(`${base}/oauth2PermissionGrants/${encodeURIComponent(g.id)}`, { method: 'DELETE', headers });
    if (r.status === 204 || r.status === 404) removedGrants += 1;
    else
      return `Microsoft refused to remove Rekey's permission grant (HTTP ${r.status}); remove it in Entra ID under Enterprise applications.`;
  }
  let spRemoved = false;
  if (input.removeServicePrincipal) {
    const r = await f(`${base}/servicePrincipals/${encodeURIComponent(spId)}`, { method: 'DELETE', headers });
    spRemoved = r.status === 204 || r.status === 404;
  }
  await db.$transaction((tx) =>
    appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'invitation.consent_removed',
        targetType: 'invitation',
        targetId: input.invitationId,
        after: { tenantId: input.tenantId, grantsRemoved: removedGrants, servicePrincipalRemoved: spRemoved },
      },
      ctx.now,
    ),
  );
  return spRemoved
    ? "Rekey's delegated permissions and its app were removed from your tenant."
    : "Rekey's delegated permissions were removed from your tenant.";
}
