'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import { getDetectionSettings } from '@/lib/detection/detection-settings';
import { findFirstUseAfter, type FirstUseResult } from '@/lib/detection/first-use-after-rotation';
import { RekeyError } from '@/lib/errors';
import { cancelRotation } from '@/lib/rotation/cancel-rotation';
import { confirmCutover } from '@/lib/rotation/confirm-cutover';
import { getRotationEvidence } from '@/lib/rotation/get-rotation-evidence';
import { retryRotation } from '@/lib/rotation/retry-rotation';
import { findArmingPreflight, markPreflightUsed } from '@/lib/rotation/preflight-record';
import { requireTrustedReplacement } from '@/lib/rotation/preflight-trust';
import { startRotation } from '@/lib/rotation/start-rotation';
import { DEFAULT_CUTOVER_WAIT_HOURS, MAX_CUTOVER_WAIT_HOURS } from '@/lib/rotation/machine';

const StartInput = z.object({
  connectorId: z.uuid(),
  toCertificateId: z.uuid(),
  mode: z.enum(['rotate', 'reestablish']),
  recreate: z.enum(['0', '1']).default('0'),
  confirmText: z.string().max(300).optional(),
  preflightId: z.uuid({ error: 'Run the preflight first: Start needs a passing preflight.' }),
  /** Rotate key only: keep the old key until the vendor's cutover (ADR 022). Absent: no wait. */
  cutoverWait: z.enum(['0', '1']).default('0'),
  cutoverWaitHours: z.coerce
    .number({ error: 'Enter the hours as a whole number.' })
    .int('Enter the hours as a whole number.')
    .min(1, 'Wait at least 1 hour.')
    .max(MAX_CUTOVER_WAIT_HOURS, `Wait at most ${MAX_CUTOVER_WAIT_HOURS} hours.`)
    .default(DEFAULT_CUTOVER_WAIT_HOURS),
});

export const startRotationAction = defineAction({
  name: 'rotations.start',
  role: 'operator',
  input: StartInput,
  handler: async (input, ctx) => {
    // Start needs the stored passing preflight of exactly this connector, certificate and mode, by
    // this user (ADR 020), and a replacement Rekey can trust.
    const key = {
      connectorId: input.connectorId,
      certificateId: input.toCertificateId,
      mode: input.mode,
      recreate: input.recreate === '1',
    };
    const armed = await findArmingPreflight(input.preflightId, key, ctx.principal.userId, ctx.now);
    if (armed.status === 'used')
      throw new RekeyError('CONFLICT', `This preflight already started rotation ${armed.rotationId}; open it instead.`);
    if (armed.status !== 'armed') throw new RekeyError('CONFLICT', armed.message);
    await requireTrustedReplacement(ctx.db, input.toCertificateId, { what: 'This certificate' });
    // startRotation loads, authorizes (operator of the connector's tenant) and checks the typed
    // confirmation of a delete-first rotation: once, in one place.
    const rotation = await startRotation(ctx, {
      connectorId: input.connectorId,
      toCertificateId: input.toCertificateId,
      mode: input.mode,
      recreate: input.recreate === '1',
      ...(input.mode === 'reestablish' ? { confirmText: input.confirmText ?? '' } : {}),
      cutoverWaitHours: input.mode === 'rotate' && input.cutoverWait === '1' ? input.cutoverWaitHours : null,
    });
    await markPreflightUsed(armed.id, rotation.id);
    // Drop the browser's cached wizard pages: Back shows the rotation, never a re-armed Confirm.
    revalidatePath('/rotations/new');
    redirect(`/rotations/${rotation.id}`);
  },
});

const RotationInput = z.object({ rotationId: z.uuid() });

export const retryRotationAction = defineAction({
  name: 'rotations.retry',
  role: 'operator',
  input: RotationInput,
  handler: async ({ rotationId }, ctx) => {
    const r = await retryRotation(ctx, rotationId);
    revalidatePath(`/rotations/${rotationId}`);
    return r;
  },
});

export const cancelRotationAction = defineAction({
  name: 'rotations.cancel',
  role: 'operator',
  input: RotationInput,
  handler: async ({ rotationId }, ctx) => {
    const r = await cancelRotation(ctx, rotationId);
    revalidatePath(`/rotations/${rotationId}`);
    return r;
  },
});

/** The admin confirms the vendor's service uses the new certificate: a rotation waiting for the cutover removes the old key now. */
export const confirmCutoverAction = defineAction({
  name: 'rotations.confirm_cutover',
  role: 'operator',
  input: RotationInput,
  handler: async ({ rotationId }, ctx) => {
    const r = await confirmCutover(ctx, { rotationId });
    revalidatePath(`/rotations/${rotationId}`);
    return r;
  },
});

export type FirstUseView =
  | { status: 'used'; at: string; ipAddress: string; fromVendorRange: boolean; resource: string | null }
  | { status: 'not_yet'; checkedSignIns: number; checkedAt: string }
  | { status: 'unavailable'; message: string };

/** Step 6 (optional): has the vendor's service signed in with the new key since the rotation began? */
export const checkFirstUseAction = defineAction({
  name: 'rotations.first_use',
  role: 'viewer',
  input: RotationInput,
  handler: async ({ rotationId }, ctx): Promise<FirstUseView> => {
    const ev = await getRotationEvidence(ctx, rotationId);
    // Rekey's own verification sign-in with the new key happens before the rotation finishes; only
    // later sign-ins are the vendor's service.
    if (ev.rotation.state !== 'SUCCEEDED' || !ev.rotation.finishedAt)
      throw new RekeyError('CONFLICT', "The vendor's first sign-in can be checked once the rotation has succeeded.");
    const keyId = ev.facts.add?.keyId ?? undefined;
    const { vendorCidrs } = await getDetectionSettings(ctx);
    const r: FirstUseResult = await findFirstUseAfter(ctx.graph(ev.tenant.entraTenantId).gateway, {
      tenant: { id: ev.tenant.entraTenantId, name: ev.tenant.displayName },
      appId: ev.connector.appId,
      keyId,
      sha1: ev.to.sha1,
      after: ev.rotation.finishedAt,
      vendorCidrs,
    });
    if (r.status === 'used')
      return {
        status: 'used',
        at: r.at.toISOString(),
        ipAddress: r.ipAddress,
        fromVendorRange: r.fromVendorRange,
        resource: r.resource,
      };
    if (r.status === 'not_yet')
      return { status: 'not_yet', checkedSignIns: r.checkedSignIns, checkedAt: ctx.now.toISOString() };
    return { status: 'unavailable', message: r.message };
  },
});
