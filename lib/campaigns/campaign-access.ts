/**
 * Loading a campaign for a use case: lock its row (so state changes and the dispatcher
 * serialise), then authorize. A principal must hold `min` on every tenant the campaign touches;
 * a campaign reaching outside their scope is NOT_FOUND, like one that does not exist. No
 * principal = the server itself (CLI on the server, jobs).
 *
 * The lock is FOR NO KEY UPDATE, not FOR UPDATE: inserting a Rotation that references the
 * campaign takes FOR KEY SHARE on it, which FOR UPDATE would block.
 */
import type { Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { hasRole, isFleetWide, roleLabel, tenantScopeWhere, type Principal, type Role } from '@/lib/auth/principal';
import { isGuid } from '@/lib/text/guid';

export type CampaignRow = Prisma.CampaignGetPayload<object>;

export async function lockCampaign(tx: Prisma.TransactionClient, campaignId: string): Promise<CampaignRow> {
  // The row as a typed query gives it, read with its lock in one raw statement (every campaign
  // tick takes it: a typed query costs several times the CPU).
  const [campaign] = await tx.$queryRaw<CampaignRow[]>`
    SELECT "id"::text, "name", "state"::text, "mode"::text, "selection", "concurrency", "waves", "currentWave",
           "deadline", "requiresApproval", "cutoverWaitHours", "approvedById"::text, "approvedAt",
           "createdById"::text, "createdAt", "startedAt", "finishedAt"
    FROM "Campaign" WHERE "id" = ${campaignId}::uuid FOR NO KEY UPDATE`;
  if (!campaign) throw new RekeyError('NOT_FOUND', `Campaign ${campaignId} not found.`);
  return campaign;
}

export async function requireCampaignScope(
  tx: Prisma.TransactionClient,
  campaignId: string,
  principal: Principal | undefined,
  min: Role,
): Promise<void> {
  if (!principal) return;
  if (!hasRole(principal, min))
    throw new RekeyError('FORBIDDEN', `This needs the ${roleLabel(min)} role.`, { need: min });
  if (isFleetWide(principal, min)) return;
  const outside = await tx.campaignItem.count({
    where: { campaignId, connector: { tenant: { NOT: tenantScopeWhere(principal, min) } } },
  });
  if (outside > 0) throw new RekeyError('NOT_FOUND', `Campaign ${campaignId} not found.`);
}

/** Lock + authorize + check the state is one of `states`. */
export async function loadCampaignForChange(
  tx: Prisma.TransactionClient,
  campaignId: string,
  principal: Principal | undefined,
  min: Role,
  states: readonly CampaignRow['state'][],
  verb: string,
): Promise<CampaignRow> {
  const campaign = await lockCampaign(tx, campaignId);
  await requireCampaignScope(tx, campaignId, principal, min);
  if (!states.includes(campaign.state)) {
    throw new RekeyError(
      'CONFLICT',
      `Campaign "${campaign.name}" is ${campaign.state}; only a ${states.join(' or ')} campaign can be ${verb}.`,
      { state: campaign.state },
    );
  }
  return campaign;
}

export function isUuid(v: string): boolean {
  return isGuid(v);
}

export function requireUuid(v: string, what = 'Campaign'): string {
  if (!isUuid(v)) throw new RekeyError('NOT_FOUND', `${what} ${v.slice(0, 64)} not found.`);
  return v;
}
