'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import { cancelRotation } from '@/lib/rotation/cancel-rotation';
import { checkFirstUse } from '@/lib/rotation/check-first-use';
import { retryRotation } from '@/lib/rotation/retry-rotation';
import { startArmedRotation } from '@/lib/rotation/start-armed-rotation';

const StartInput = z.object({
  connectorId: z.uuid(),
  toCertificateId: z.uuid(),
  mode: z.enum(['rotate', 'reestablish']),
  recreate: z.enum(['0', '1']).default('0'),
  confirmText: z.string().max(300).optional(),
  preflightId: z.uuid({ error: 'Run the preflight first: Start needs a passing preflight.' }),
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

/** Step 6 (optional): has the vendor's service signed in with the new key since the rotation began? */
export const checkFirstUseAction = defineAction({
  name: 'rotations.first_use',
  role: 'viewer',
  input: RotationInput,
  handler: ({ rotationId }, ctx) => checkFirstUse(ctx, { rotationId }),
});
