/**
 * Invitations as the vendor sees them (newest first), with their derived view state, and the
 * funnel counts per view state. A read `(ctx, input)` (lib/use-case.ts), the view state as of
 * `ctx.now`. Tenant scope of `ctx.principal`: a scoped operator sees invitations of their tenants
 * (a trusted caller, all).
 */
import type { Prisma } from '@/lib/db';
import { tenantScopeWhere } from '@/lib/auth/principal';
import { FUNNEL_ORDER, invitationView, type InvitationView } from '@/lib/invitations/invitation-status';
import { callerOf, type Caller, type UseCaseContext } from '@/lib/use-case';

export interface InvitationFilter {
  campaignId?: string;
  advisoryId?: string;
  view?: InvitationView;
}

export interface InvitationRow {
  id: string;
  target: string;
  entraTenantId: string | null;
  tenantDomain: string | null;
  connector: string | null;
  email: string | null;
  certificate: { id: string; subject: string; sha1Thumbprint: string };
  view: InvitationView;
  stateDetail: string | null;
  customerUpn: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  rotationId: string | null;
  campaignId: string | null;
  advisoryId: string | null;
}

function scopeWhere(caller: Caller): Prisma.InvitationWhereInput {
  if (caller === 'system') return {};
  const tenantWhere = tenantScopeWhere(caller, 'viewer');
  // Fleet-wide viewers also see invitations for tenants Rekey does not manage.
  return Object.keys(tenantWhere).length === 0 ? {} : { tenant: tenantWhere };
}

export async function listInvitations(
  ctx: Pick<UseCaseContext, 'db' | 'principal' | 'now'>,
  input: InvitationFilter & { take?: number },
): Promise<InvitationRow[]> {
  const rows = await ctx.db.invitation.findMany({
    where: {
      ...scopeWhere(callerOf(ctx)),
      ...(input.campaignId ? { campaignId: input.campaignId } : {}),
      ...(input.advisoryId ? { advisoryId: input.advisoryId } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: input.take ?? 5_000,
    select: {
      id: true,
      entraTenantId: true,
      tenantDomain: true,
      email: true,
      state: true,
      stateDetail: true,
      customerUpn: true,
      createdAt: true,
      expiresAt: true,
      usedAt: true,
      revokedAt: true,
      rotationId: true,
      campaignId: true,
      advisoryId: true,
      tenant: { select: { displayName: true } },
      connector: { select: { displayName: true } },
      certificate: { select: { id: true, subject: true, sha1Thumbprint: true } },
    },
  });
  const out = rows.map((r) => ({
    id: r.id,
    target: r.tenant?.displayName ?? r.tenantDomain ?? r.entraTenantId ?? '—',
    entraTenantId: r.entraTenantId,
    tenantDomain: r.tenantDomain,
    connector: r.connector?.displayName ?? null,
    email: r.email,
    certificate: r.certificate,
    view: invitationView(r, ctx.now),
    stateDetail: r.stateDetail,
    customerUpn: r.customerUpn,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    usedAt: r.usedAt,
    rotationId: r.rotationId,
    campaignId: r.campaignId,
    advisoryId: r.advisoryId,
  }));
  return input.view ? out.filter((r) => r.view === input.view) : out;
}

export function funnelCounts(rows: { view: InvitationView }[]): Record<InvitationView, number> {
  const counts = Object.fromEntries(FUNNEL_ORDER.map((v) => [v, 0])) as Record<InvitationView, number>;
  for (const r of rows) counts[r.view] += 1;
  return counts;
}
