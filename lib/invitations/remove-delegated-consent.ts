/**
 * At the end, on the admin's request: delete Rekey's delegated permission grant in their tenant
 * (and, if they choose, the delegated-rotation app's service principal) through Graph, with a token
 * from a fresh sign-in that is used here and never stored. Audited with the admin as actor.
 */
import type { Actor } from '@/lib/audit/append-audit-event';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { db as defaultDb, type Db } from '@/lib/db';

export async function removeDelegatedConsent(
  input: { invitationId: string; tenantId: string; accessToken: string; removeServicePrincipal: boolean },
  ctx: { actor: Actor; now: Date; clientId: string; graphEndpoint: string; db?: Db; fetchImpl?: typeof fetch },
): Promise<string> {
  const db = ctx.db ?? defaultDb;
  const f = ctx.fetchImpl ?? fetch;
  const base = `${ctx.graphEndpoint.replace(/\/+$/, '')}/v1.0`;
  const headers = { authorization: `Bearer ${input.accessToken}`, 'content-type': 'application/json' };
  const sps = (await (
    await f(`${base}/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${ctx.clientId}'`)}&$select=id`, {
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
