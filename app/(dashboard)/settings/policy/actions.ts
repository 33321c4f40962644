'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import { updateStatusPolicy } from '@/lib/settings/update-status-policy';

export const updateStatusPolicyAction = defineAction({
  name: 'settings.policy',
  role: 'admin',
  input: z.object({
    expiringWithinDays: z.coerce
      .number({ message: 'Enter a number of days.' })
      .int('Whole days only.')
      .min(0, 'At least 0 days.')
      .max(3650, 'At most 3,650 days.'),
    maxAgeDays: z.coerce
      .number({ message: 'Enter a number of days.' })
      .int('Whole days only.')
      .min(1, 'At least 1 day.')
      .max(36500, 'At most 36,500 days.'),
    maxScanAgeHours: z.coerce
      .number({ message: 'Enter a number of hours.' })
      .int('Whole hours only.')
      .min(1, 'At least 1 hour.')
      .max(8760, 'At most 8,760 hours.'),
  }),
  handler: async (input, ctx) => {
    const r = await updateStatusPolicy(ctx, input);
    revalidatePath('/settings/policy');
    revalidatePath('/');
    return {
      message: `Policy saved. ${r.examined.toLocaleString('en-US')} connectors re-classified: ${r.changed.toLocaleString('en-US')} changed status.`,
    };
  },
});
