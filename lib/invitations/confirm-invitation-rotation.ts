/**
 * The customer admin confirms by typing the connection's name: the same rotation engine then runs
 * with their delegated token (the rotation port routes this tenant through it while Rekey holds
 * it). load → authorize (a signed-in, checked admin of the invited tenant whose tokens Rekey holds)
 * → validate (the typed name, the link still open) → record ROTATING, start the rotation (its own
 * transaction, audited with the admin as actor), bind it to the invitation.
 * A use case `(ctx, input)` (lib/use-case.ts) for a public route: no principal; the invitation's
 * held delegated token is the authorization.
 */
import { z } from 'zod';
import { RekeyError } from '@/lib/errors';
import { untrustedReplacements } from '@/lib/rotation/preflight-trust';
import { startRotation } from '@/lib/rotation/start-rotation';
import { invitationView } from '@/lib/invitations/invitation-status';
import { recordInvitationStep } from '@/lib/invitations/open-invitation';
import { asSystem, type UseCaseContext } from '@/lib/use-case';

export const ConfirmRotationSchema = z.object({
  invitationId: z.uuid(),
  typedName: z.string().trim().max(256),
});

export async function confirmInvitationRotation(
  ctx: UseCaseContext,
  input: z.input<typeof ConfirmRotationSchema>,
): Promise<{ rotationId: string }> {
  const { db } = ctx;
  const { invitationId, typedName } = ConfirmRotationSchema.parse(input);
  const inv = await db.invitation.findUnique({
    where: { id: invitationId },
    select: {
      id: true,
      state: true,
      expiresAt: true,
      usedAt: true,
      revokedAt: true,
      certificateId: true,
      connector: { select: { id: true, displayName: true } },
      delegatedToken: { select: { invitationId: true } },
    },
  });
  if (!inv) throw new RekeyError('NOT_FOUND', 'This invitation no longer exists.');
  const view = invitationView(inv, ctx.now);
  if (view === 'ROTATED') throw new RekeyError('CONFLICT', 'This connection was already rotated with this link.');
  if (view === 'REVOKED') throw new RekeyError('FORBIDDEN', 'The sender withdrew this invitation.');
  if (view === 'EXPIRED')
    throw new RekeyError('FORBIDDEN', 'This invitation has expired. Ask the sender for a new link.');
  if (view === 'ROTATING') throw new RekeyError('CONFLICT', 'The rotation is already running.');
  if (view !== 'SIGNED_IN' || !inv.delegatedToken)
    throw new RekeyError('UNAUTHENTICATED', 'Sign in with Microsoft again before confirming.');
  if (!inv.connector)
    throw new RekeyError(
      'CONFLICT',
      'Rekey did not find the connection in your tenant, so there is nothing to rotate.',
    );
  if (typedName !== inv.connector.displayName)
    throw new RekeyError('BAD_INPUT', `Type the connection's name exactly as shown: ${inv.connector.displayName}.`);
  // An advisory published since the link was sent may name the certificate: never install it.
  const cert = await db.certificate.findUniqueOrThrow({
    where: { id: inv.certificateId },
    select: { id: true, sha1Thumbprint: true, sha256Thumbprint: true, serialNumber: true, issuer: true },
  });
  if ((await untrustedReplacements(db, [cert])).has(cert.id)) {
    // The invitation records why (the vendor's list and the customer's page show it), and Rekey lets
    // go of the admin's token at once: nothing will run with it.
    const why = `The certificate this invitation would install (SHA-1 ${cert.sha1Thumbprint.toUpperCase()}) is named by a security advisory published since the link was sent, so it is no longer trusted. Nothing was changed in your tenant; ask the sender for a new link.`;
    await recordInvitationStep(ctx, { invitationId: inv.id, to: 'FAILED', detail: why });
    await db.delegatedToken.deleteMany({ where: { invitationId: inv.id } });
    throw new RekeyError('CONFLICT', why);
  }
  if (!(await recordInvitationStep(ctx, { invitationId: inv.id, to: 'ROTATING' })))
    throw new RekeyError('CONFLICT', 'The invitation changed meanwhile; reload the page.');
  try {
    // The engine's own checks only: the customer's authorization (the held token) was checked above.
    const rotation = await startRotation(asSystem(ctx), {
      connectorId: inv.connector.id,
      toCertificateId: inv.certificateId,
      mode: 'rotate',
      delegated: true,
    });
    await db.invitation.updateMany({ where: { id: inv.id, rotationId: null }, data: { rotationId: rotation.id } });
    return { rotationId: rotation.id };
  } catch (e) {
    await recordInvitationStep(ctx, {
      invitationId: inv.id,
      to: 'FAILED',
      detail: e instanceof Error ? e.message : 'The rotation could not start.',
    });
    await db.delegatedToken.deleteMany({ where: { invitationId: inv.id } });
    throw e;
  }
}
