'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/auth/action';
import { removeUnknownCredential, RemoveUnknownCredentialSchema } from '@/lib/detection/remove-unknown-credential';

/** Removes a credential Rekey does not know; the use case re-checks the typed keyId prefix and the tenant scope. */
export const removeUnknownCredentialAction = defineAction({
  name: 'connectors.remove_unknown_credential',
  role: 'operator',
  input: RemoveUnknownCredentialSchema,
  handler: async (input, ctx) => {
    const r = await removeUnknownCredential(ctx, input);
    revalidatePath(`/connectors/${input.connectorId}`);
    return { removed: r.removed, keyId: r.credential.keyId, path: r.path };
  },
});
