/**
 * Everything the customer's invitation page shows, by link token: the invitation, and once a
 * rotation runs or ran, its state and steps (the live progress and the before/after evidence).
 * The first view of a fresh link records OPENED.
 */
import { db as defaultDb, type Db } from '@/lib/db';
import {
  customerActor,
  findInvitationByToken,
  recordInvitationStep,
  type PublicInvitation,
} from '@/lib/invitations/open-invitation';

export interface CustomerPage {
  invitation: PublicInvitation;
  rotation: {
    id: string;
    state: string;
    step: string;
    steps: { step: string; outcome: string; message: string | null; at: Date }[];
    fromSha1: string | null;
    toSha1: string;
    finishedAt: Date | null;
  } | null;
  /** Rekey holds the admin's token right now (between sign-in and the end of the rotation). */
  holdsToken: boolean;
}

export async function getCustomerPage(
  token: string,
  ctx: { now: Date; clientIp: string | null; vendorName?: string; db?: Db },
): Promise<CustomerPage> {
  const db = ctx.db ?? defaultDb;
  let invitation = await findInvitationByToken(token, ctx.now, {
    db,
    ...(ctx.vendorName ? { vendorName: ctx.vendorName } : {}),
  });
  if (invitation.view === 'SENT') {
    await recordInvitationStep(invitation.id, 'OPENED', {
      actor: customerActor({ clientIp: ctx.clientIp }),
      now: ctx.now,
      db,
    });
    invitation = { ...invitation, view: 'OPENED' };
  }
  const r = invitation.rotationId
    ? await db.rotation.findUnique({
        where: { id: invitation.rotationId },
        select: {
          id: true,
          state: true,
          step: true,
          finishedAt: true,
          fromCertificate: { select: { sha1Thumbprint: true } },
          toCertificate: { select: { sha1Thumbprint: true } },
          steps: { orderBy: { at: 'asc' }, select: { step: true, outcome: true, message: true, at: true } },
        },
      })
    : null;
  const holdsToken = (await db.delegatedToken.count({ where: { invitationId: invitation.id } })) > 0;
  return {
    invitation,
    rotation: r
      ? {
          id: r.id,
          state: r.state,
          step: r.step,
          steps: r.steps,
          fromSha1: r.fromCertificate?.sha1Thumbprint ?? null,
          toSha1: r.toCertificate.sha1Thumbprint,
          finishedAt: r.finishedAt,
        }
      : null,
    holdsToken,
  };
}
