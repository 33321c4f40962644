'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import { cancelRotation } from '@/lib/rotation/cancel-rotation';
import { checkFirstUse } from '@/lib/rotation/check-first-use';
import { confirmCutover } from '@/lib/rotation/confirm-cutover';
import { DEFAULT_CUTOVER_WAIT_HOURS, MAX_CUTOVER_WAIT_HOURS } from '@/lib/rotation/machine';
import { retryRotation } from '@/lib/rotation/retry-rotation';
import { startArmedRotation } from '@/lib/rotation/start-armed-rotation';

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
    // this user (ADR 020), and a replacement Rekey can trust: checked, with the authorization, in lib.
    const rotation = await startArmedRotation(ctx, {
      preflightId: input.preflightId,
      connectorId: input.connectorId,
      certificateId: input.toCertificateId,
      mode: input.mode,
      recreate: input.recreate === '1',
      confirmText: input.confirmText,
      cutoverWaitHours: input.mode === 'rotate' && input.cutoverWait === '1' ? input.cutoverWaitHours : null,
    });
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

/** Step 6 (optional): has the vendor's service signed in with the new key since the rotation began? */
export const checkFirstUseAction = defineAction({
  name: 'rotations.first_use',
  role: 'viewer',
  input: RotationInput,
  handler: ({ rotationId }, ctx) => checkFirstUse(ctx, { rotationId }),
});
