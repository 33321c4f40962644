/**
 * Revoke an invitation: its link stops working at once (the customer page says it was withdrawn).
 * A finished rotation cannot be revoked (nothing to withdraw); revoking twice is a no-op.
 * A use case `(ctx, input)` (lib/use-case.ts): an operator of the invitation's tenant (fleet-wide
 * for a tenant Rekey does not manage), as `ctx.principal`.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { RekeyError } from '@/lib/errors';
import { requireFleetWide, requireTenantVisible } from '@/lib/detection/detection-access';
import { callerOf, type UseCaseContext } from '@/lib/use-case';

export async function revokeInvitation(
  ctx: Pick<UseCaseContext, 'db' | 'actor' | 'principal' | 'now'>,
  input: { invitationId: string },
): Promise<{ id: string; revoked: boolean }> {
  const { invitationId } = input;
  const caller = callerOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const inv = await tx.invitation.findUnique({
      where: { id: invitationId },
      select: {
        id: true,
        state: true,
        revokedAt: true,
        usedAt: true,
        tenantId: true,
        tenant: { select: { id: true, group: true, displayName: true } },
      },
    });
    if (!inv) throw new RekeyError('NOT_FOUND', `Invitation ${invitationId} not found.`);
    if (inv.tenant) requireTenantVisible(caller, inv.tenant, 'operator', `Invitation ${invitationId}`);
    else requireFleetWide(caller, 'operator', 'Revoking an invitation');
    if (inv.revokedAt) return { id: inv.id, revoked: false };
    if (inv.usedAt || inv.state === 'ROTATED')
      throw new RekeyError(
        'CONFLICT',
        'This invitation was already used to rotate the connection; there is nothing to revoke.',
      );
    if (inv.state === 'ROTATING')
      throw new RekeyError('CONFLICT', 'The customer is rotating right now; revoke after the rotation ends.');
    await tx.invitation.update({
      where: { id: inv.id },
      data: { state: 'REVOKED', revokedAt: ctx.now, events: { create: { state: 'REVOKED', at: ctx.now } } },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'invitation.revoke',
        targetType: 'invitation',
        targetId: inv.id,
        tenantId: inv.tenantId,
        before: { state: inv.state },
        after: { state: 'REVOKED' },
      },
      ctx.now,
    );
    return { id: inv.id, revoked: true };
  });
}
