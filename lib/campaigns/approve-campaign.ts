/**
 * A second admin approves a campaign that awaits approval (AWAITING_APPROVAL → APPROVED, ready to
 * start). The approver must be a fleet-wide admin and not the campaign's creator.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { isFleetWide, type Principal } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';
import { loadCampaignForChange, requireUuid } from '@/lib/campaigns/campaign-access';
import type { UseCaseContext } from '@/lib/use-case';

export async function approveCampaign(ctx: UseCaseContext & { principal: Principal }, campaignId: string) {
  requireUuid(campaignId);
  const principal = ctx.principal;
  if (!principal) throw new RekeyError('UNAUTHENTICATED', 'Approving a campaign needs a signed-in admin.');
  return ctx.db.$transaction(async (tx) => {
    const campaign = await loadCampaignForChange(
      tx,
      campaignId,
      principal,
      'viewer',
      ['AWAITING_APPROVAL'],
      'approved',
    );
    if (!isFleetWide(principal, 'admin'))
      throw new RekeyError('FORBIDDEN', 'Approving a campaign needs the Admin role for all tenants.', {
        need: 'admin',
      });
    if (campaign.createdById && campaign.createdById === principal.userId) {
      throw new RekeyError(
        'FORBIDDEN',
        'A campaign must be approved by a different admin than the one who created it.',
        { reason: 'creator_cannot_approve' },
      );
    }
    const updated = await tx.campaign.update({
      where: { id: campaignId },
      data: { state: 'APPROVED', approvedById: principal.userId, approvedAt: ctx.now },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'campaign.approved',
        targetType: 'campaign',
        targetId: campaignId,
        before: { state: campaign.state },
        after: { state: 'APPROVED', approvedBy: principal.email },
      },
      ctx.now,
    );
    return updated;
  });
}
