'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/auth/action';
import { saveConnectorType, SaveConnectorTypeSchema } from '@/lib/settings/save-connector-type';

export const saveConnectorTypeAction = defineAction({
  name: 'settings.connector-type',
  role: 'admin',
  input: SaveConnectorTypeSchema,
  handler: async (input, ctx) => {
    const r = await saveConnectorType(ctx, input);
    revalidatePath('/settings/connector-types');
    return {
      message: r.created
        ? `Connector type “${input.name}” added. The next tenant scan discovers its apps.`
        : `Connector type “${input.name}” saved.`,
    };
  },
});
