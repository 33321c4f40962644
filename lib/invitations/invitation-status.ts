/**
 * What an invitation shows (pure; time is a parameter): revoked and finished states win, then
 * expiry (derived from expiresAt, never stored), then the stored state.
 */
import type { InvitationState } from '@/generated/prisma/enums';

export type InvitationView = InvitationState | 'EXPIRED';

export const FUNNEL_ORDER: readonly InvitationView[] = [
  'SENT',
  'OPENED',
  'SIGNED_IN',
  'WRONG_TENANT',
  'INSUFFICIENT_ROLE',
  'CONSENT_DECLINED',
  'ROTATING',
  'ROTATED',
  'FAILED',
  'EXPIRED',
  'REVOKED',
];

export const VIEW_LABEL: Record<InvitationView, string> = {
  SENT: 'Sent',
  OPENED: 'Opened',
  SIGNED_IN: 'Signed in',
  WRONG_TENANT: 'Wrong tenant',
  INSUFFICIENT_ROLE: 'Insufficient role',
  CONSENT_DECLINED: 'Consent declined',
  ROTATING: 'Rotating',
  ROTATED: 'Rotated',
  FAILED: 'Failed',
  EXPIRED: 'Expired',
  REVOKED: 'Revoked',
};

/** States after which the link only shows the outcome (no new sign-in, no new rotation). */
export function isClosed(inv: { state: InvitationState; usedAt: Date | null; revokedAt: Date | null }): boolean {
  return inv.revokedAt !== null || inv.usedAt !== null || inv.state === 'ROTATED' || inv.state === 'REVOKED';
}

export function invitationView(
  inv: { state: InvitationState; expiresAt: Date; usedAt: Date | null; revokedAt: Date | null },
  now: Date,
): InvitationView {
  if (inv.revokedAt || inv.state === 'REVOKED') return 'REVOKED';
  if (inv.usedAt || inv.state === 'ROTATED') return 'ROTATED';
  // A rotation under way is not cut off by the link's expiry; it finishes or fails on its own.
  if (inv.state === 'ROTATING') return 'ROTATING';
  if (inv.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return inv.state;
}
