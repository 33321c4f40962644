/**
 * An invitation from a CSV names a customer Rekey does not manage (a tenant id or domain, no
 * connector). Once the customer's admin has signed in, Rekey reads their tenant with the admin's
 * delegated token — the same discovery as a scan (lib/tenants/scan-tenant.ts), audited with the
 * admin as actor — and attaches the vendor's connection to the invitation, so the plan page shows
 * it and the confirmation can rotate it. The tenant becomes known to Rekey (as a tenant without
 * management consent); Rekey still holds no standing access to it.
 *
 * A use case `(ctx, input)` (lib/use-case.ts) for a public route: no principal (the admin's
 * sign-in is the authorization), and `ctx.graph` is the admin's delegated Graph access
 * (delegatedGraphAccess, lib/invitations/delegated-tokens.ts), never the management app's.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import { asSystem, type UseCaseContext } from '@/lib/use-case';

export type DiscoveryOutcome =
  | { kind: 'attached'; connectorId: string; displayName: string }
  | { kind: 'already'; connectorId: string }
  | { kind: 'none' };

export async function discoverInvitedConnection(
  ctx: UseCaseContext,
  input: { invitationId: string; entraTenantId: string; domain: string | null },
): Promise<DiscoveryOutcome> {
  const { db } = ctx;
  const inv = await db.invitation.findUniqueOrThrow({
    where: { id: input.invitationId },
    select: { id: true, connectorId: true, tenantDomain: true, certificate: { select: { id: true, region: true } } },
  });
  if (inv.connectorId) return { kind: 'already', connectorId: inv.connectorId };
  const entraTenantId = input.entraTenantId.toLowerCase();
  const domain = (inv.tenantDomain ?? input.domain ?? '').toLowerCase() || null;
  const tenant =
    (await db.tenant.findUnique({ where: { entraTenantId } })) ??
    (await db.$transaction(async (tx) => {
      const t = await tx.tenant.create({
        data: {
          entraTenantId,
          displayName: domain ?? entraTenantId,
          defaultDomain: domain,
          region: inv.certificate.region ?? 'global',
        },
      });
      await appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: 'tenant.create',
          targetType: 'tenant',
          targetId: t.id,
          tenantId: t.id,
          after: {
            entraTenantId,
            displayName: t.displayName,
            defaultDomain: t.defaultDomain,
            region: t.region,
            invitationId: inv.id,
          },
        },
        ctx.now,
      );
      return t;
    }));
  await scanTenant(asSystem(ctx), { tenantId: tenant.id });
  // The connection to rotate: one still in the tenant and not on the certificate to install —
  // the exposed first, then by name (a CSV invitation is one per customer).
  const candidates = await db.connector.findMany({
    where: {
      tenantId: tenant.id,
      missingSince: null,
      OR: [{ currentCertificateId: null }, { currentCertificateId: { not: inv.certificate.id } }],
    },
    select: { id: true, displayName: true, status: true },
    orderBy: { displayName: 'asc' },
  });
  const rank = (s: string) => (s === 'compromised' || s === 'targeted' ? 0 : 1);
  const [pick] = candidates.sort((a, b) => rank(a.status) - rank(b.status));
  await db.invitation.update({
    where: { id: inv.id },
    data: { tenantId: tenant.id, ...(pick ? { connectorId: pick.id } : {}) },
  });
  return pick ? { kind: 'attached', connectorId: pick.id, displayName: pick.displayName } : { kind: 'none' };
}
