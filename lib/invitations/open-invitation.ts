/**
 * The customer side of an invitation, by its link token (no Rekey account): what the public pages
 * show, and the state changes the journey records — each with its audit event, whose actor is the
 * customer (before sign-in: "invitation link" + client address; after: the admin's UPN and tenant).
 * Both take the use-case context first (lib/use-case.ts) without a principal: the link token (or
 * the invitation it led to) is the authorization.
 */
import type { Actor } from '@/lib/audit/append-audit-event';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { RekeyError } from '@/lib/errors';
import type { InvitationState } from '@/generated/prisma/enums';
import { hashInvitationToken, isWellFormedToken } from '@/lib/invitations/invitation-token';
import { invitationView, type InvitationView } from '@/lib/invitations/invitation-status';
import type { UseCaseContext } from '@/lib/use-case';

export interface PublicInvitation {
  id: string;
  view: InvitationView;
  reason: string;
  vendorName: string;
  entraTenantId: string | null;
  tenantDomain: string | null;
  tenantName: string | null;
  connector: { id: string; displayName: string; appId: string; appObjectId: string | null } | null;
  certificate: {
    id: string;
    subject: string;
    issuer: string;
    sha1Thumbprint: string;
    sha256Thumbprint: string;
    notBefore: Date;
    notAfter: Date;
  };
  expiresAt: Date;
  usedAt: Date | null;
  rotationId: string | null;
  customerUpn: string | null;
  stateDetail: string | null;
}

/** The actor of a customer's step: their admin account once known, else the link itself. */
export function customerActor(who: { upn?: string | null; tenantId?: string | null; clientIp: string | null }): Actor {
  return {
    id: null,
    label: who.upn ? `customer admin ${who.upn} (tenant ${who.tenantId ?? 'unknown'})` : 'customer (invitation link)',
    clientIp: who.clientIp,
  };
}

const NOT_FOUND =
  'This invitation link is not valid. Check that you copied the whole link, or ask the sender for a new one.';

/** What a replaced link says: it no longer works, since when, and that the newest message has the link. */
export function replacedMessage(retiredAt: Date, vendorName = 'the sender'): string {
  const at = retiredAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return `This link was replaced by a newer one on ${at} and no longer works. Open the link in the most recent e-mail from ${vendorName}, or ask them for a new one.`;
}

/** Who the public pages say is asking (the vendor's name); without it, generic words. */
export interface InvitationPageConfig {
  vendorName?: string;
}

/** The invitation a link token opens, with its view state as of `ctx.now`. */
export async function findInvitationByToken(
  ctx: Pick<UseCaseContext, 'db' | 'now'>,
  input: { token: string },
  config: InvitationPageConfig = {},
): Promise<PublicInvitation> {
  const { db, now } = ctx;
  const { token } = input;
  if (!isWellFormedToken(token)) throw new RekeyError('NOT_FOUND', NOT_FOUND);
  const inv = await db.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    select: {
      id: true,
      reason: true,
      state: true,
      stateDetail: true,
      entraTenantId: true,
      tenantDomain: true,
      expiresAt: true,
      usedAt: true,
      revokedAt: true,
      rotationId: true,
      customerUpn: true,
      tenant: { select: { displayName: true } },
      connector: { select: { id: true, displayName: true, appId: true, appObjectId: true } },
      certificate: {
        select: {
          id: true,
          subject: true,
          issuer: true,
          sha1Thumbprint: true,
          sha256Thumbprint: true,
          notBefore: true,
          notAfter: true,
        },
      },
    },
  });
  if (!inv) {
    // A link a reminder replaced (ADR 028) says so, and where the working one is.
    const retired = await db.invitationRetiredToken.findUnique({
      where: { tokenHash: hashInvitationToken(token) },
      select: { retiredAt: true },
    });
    if (retired) throw new RekeyError('NOT_FOUND', replacedMessage(retired.retiredAt, config.vendorName));
    throw new RekeyError('NOT_FOUND', NOT_FOUND);
  }
  return {
    id: inv.id,
    view: invitationView(inv, now),
    reason: inv.reason,
    vendorName: config.vendorName ?? 'Your vendor',
    entraTenantId: inv.entraTenantId,
    tenantDomain: inv.tenantDomain,
    tenantName: inv.tenant?.displayName ?? null,
    connector: inv.connector,
    certificate: inv.certificate,
    expiresAt: inv.expiresAt,
    usedAt: inv.usedAt,
    rotationId: inv.rotationId,
    customerUpn: inv.customerUpn,
    stateDetail: inv.stateDetail,
  };
}

/** Where a state may go next (the funnel only moves forward, except retries after a refusal). */
const NEXT: Record<InvitationState, readonly InvitationState[]> = {
  SENT: ['OPENED', 'REVOKED'],
  OPENED: ['SIGNED_IN', 'WRONG_TENANT', 'INSUFFICIENT_ROLE', 'CONSENT_DECLINED', 'REVOKED'],
  // FAILED from SIGNED_IN: the confirmation was refused before anything ran (an advisory named the certificate).
  SIGNED_IN: [
    'ROTATING',
    'ROTATED',
    'FAILED',
    'WRONG_TENANT',
    'INSUFFICIENT_ROLE',
    'CONSENT_DECLINED',
    'REVOKED',
    'SIGNED_IN',
  ],
  WRONG_TENANT: ['SIGNED_IN', 'WRONG_TENANT', 'INSUFFICIENT_ROLE', 'CONSENT_DECLINED', 'REVOKED'],
  INSUFFICIENT_ROLE: ['SIGNED_IN', 'WRONG_TENANT', 'INSUFFICIENT_ROLE', 'CONSENT_DECLINED', 'REVOKED'],
  CONSENT_DECLINED: ['SIGNED_IN', 'WRONG_TENANT', 'INSUFFICIENT_ROLE', 'CONSENT_DECLINED', 'REVOKED'],
  ROTATING: ['ROTATED', 'FAILED'],
  ROTATED: [],
  FAILED: ['SIGNED_IN', 'WRONG_TENANT', 'INSUFFICIENT_ROLE', 'CONSENT_DECLINED', 'REVOKED'],
  REVOKED: [],
};

export function canMove(from: InvitationState, to: InvitationState): boolean {
  return NEXT[from].includes(to);
}

/** A step of the customer's journey: the state it moves to and what the step learned. */
export interface InvitationStep {
  invitationId: string;
  to: InvitationState;
  detail?: string | null;
  customerUpn?: string;
  customerTenantId?: string;
  usedAt?: Date;
  rotationId?: string;
}

/**
 * Records a step of the customer's journey: state, event and audit in one transaction. A move the
 * funnel does not allow (a revoked or used link, OPENED twice) changes nothing and returns false.
 */
export async function recordInvitationStep(
  ctx: Pick<UseCaseContext, 'db' | 'actor' | 'now'>,
  input: InvitationStep,
): Promise<boolean> {
  const { invitationId, to, ...extra } = input;
  return ctx.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ state: InvitationState; tenantId: string | null; revokedAt: Date | null }[]>`
      SELECT state, "tenantId", "revokedAt" FROM "Invitation" WHERE id = ${invitationId}::uuid FOR UPDATE`;
    const inv = rows[0];
    if (!inv) throw new RekeyError('NOT_FOUND', NOT_FOUND);
    if (inv.revokedAt || !canMove(inv.state, to)) return false;
    await tx.invitation.update({
      where: { id: invitationId },
      data: {
        state: to,
        stateDetail: extra.detail ?? null,
        ...(extra.customerUpn ? { customerUpn: extra.customerUpn } : {}),
        ...(extra.customerTenantId ? { customerTenantId: extra.customerTenantId } : {}),
        ...(extra.usedAt ? { usedAt: extra.usedAt } : {}),
        ...(extra.rotationId ? { rotationId: extra.rotationId } : {}),
        events: { create: { state: to, at: ctx.now, detail: extra.detail ?? null } },
      },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: `invitation.${to.toLowerCase()}`,
        targetType: 'invitation',
        targetId: invitationId,
        tenantId: inv.tenantId,
        before: { state: inv.state },
        after: { state: to, ...(extra.detail ? { detail: extra.detail } : {}) },
      },
      ctx.now,
    );
    return true;
  });
}
