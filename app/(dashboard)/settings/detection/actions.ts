'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import { updateVendorCidrs } from '@/lib/settings/update-vendor-cidrs';

export const updateVendorCidrsAction = defineAction({
  name: 'settings.vendor-cidrs',
  role: 'admin',
  input: z.object({
    cidrs: z
      .string()
      .max(64 * 1024, 'The list is too long.')
      .default(''),
  }),
  handler: async ({ cidrs }, ctx) => {
    const r = await updateVendorCidrs(ctx, cidrs);
    revalidatePath('/settings/detection');
    revalidatePath('/');
    return {
      message: `${r.cidrs.length} vendor range${r.cidrs.length === 1 ? '' : 's'} saved. ${r.examined.toLocaleString('en-US')} connectors re-classified: ${r.changed.toLocaleString('en-US')} changed status.`,
    };
  },
});
