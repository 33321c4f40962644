/**
 * The wizard's Start (ADR 020): a rotation starts only from the caller's stored preflight that
 * passed, is fresh and unused, and covers exactly this connector, certificate and mode — and only
 * to a certificate Rekey can trust as a replacement. startRotation then authorizes (operator of
 * the connector's tenant) and checks a delete-first rotation's typed confirmation, once. The
 * preflight is linked to the rotation it started, so the wizard's URL (Back, refresh) shows that
 * rotation rather than a re-armed Confirm.
 */
import { RekeyError } from '@/lib/errors';
import { findArmingPreflightFor, markPreflightUsed, type PreflightKey } from '@/lib/rotation/preflight-record';
import { requireTrustedReplacement } from '@/lib/rotation/preflight-trust';
import { startRotation } from '@/lib/rotation/start-rotation';
import type { UseCaseContext } from '@/lib/use-case';

export interface StartArmedRotationInput extends PreflightKey {
  preflightId: string;
  /** A delete-first (re-establish) rotation: the connector's name, typed by the person. */
  confirmText?: string;
  /** Rotate key only: hours to keep the old key for the vendor's cutover (ADR 022); null: no wait. */
  cutoverWaitHours?: number | null;
}

export async function startArmedRotation(ctx: UseCaseContext, input: StartArmedRotationInput) {
  const { preflightId, confirmText, cutoverWaitHours, ...key } = input;
  const armed = await findArmingPreflightFor(ctx, { preflightId, key });
  if (armed.status === 'used')
    throw new RekeyError('CONFLICT', `This preflight already started rotation ${armed.rotationId}; open it instead.`);
  if (armed.status !== 'armed') throw new RekeyError('CONFLICT', armed.message);
  await requireTrustedReplacement(ctx.db, key.certificateId, { what: 'This certificate' });
  const rotation = await startRotation(ctx, {
    connectorId: key.connectorId,
    toCertificateId: key.certificateId,
    mode: key.mode,
    recreate: key.recreate,
    ...(key.mode === 'reestablish' ? { confirmText: confirmText ?? '' } : {}),
    cutoverWaitHours: key.mode === 'rotate' ? (cutoverWaitHours ?? null) : null,
  });
  await markPreflightUsed(ctx.db, armed.id, rotation.id);
  return rotation;
}
