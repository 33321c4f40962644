import {
  holderLabel,
  holderOf,
  oldCredentials,
  permanent,
  transient,
  withSha1,
  type StepHandler,
} from '@/lib/rotation/steps/step-context';
import { removeCredentials } from '@/lib/rotation/steps/remove-old';

/**
 * Undo for rotate mode (rollback after a failed verification, or cancel): removes the new
 * credential — only while the old one is still on the application, never the last credential.
 */
export const removeNew: StepHandler = async (ctx) => {
  const view = await ctx.graph.readConnection(ctx.connection);
  const newOnes = [
    ...withSha1(view.app?.credentials ?? [], ctx.newCert.sha1),
    ...withSha1(view.sp?.credentials ?? [], ctx.newCert.sha1),
  ];
  // add_new committed a write of the new key: a read without it is a replica that has not seen the
  // add yet, not proof that it is gone. Saying "nothing to remove" then would leave the key behind.
  if (newOnes.length === 0 && ctx.facts.add && !ctx.facts.add.alreadyPresent && ctx.facts.add.path !== 'none')
    throw transient(
      'NEW_CREDENTIAL_NOT_VISIBLE',
      `Not finished removing yet: Rekey added the new certificate ${ctx.newCert.sha1} (keyId ${ctx.facts.add.keyId ?? 'unknown'}) but a read of ${holderLabel(ctx)} does not show it (Entra ID may still be replicating the add).`,
    );
  if (newOnes.length === 0)
    return {
      message: 'The new credential is not in the tenant; nothing to remove.',
      facts: { rolledBack: { at: ctx.now.toISOString(), removedKeyIds: [] } },
    };
  if (oldCredentials(holderOf(view, ctx)?.credentials ?? [], ctx).length === 0) {
    throw permanent(
      'OLD_CREDENTIAL_MISSING',
      `Refusing to remove the new credential: the old one is no longer on ${holderLabel(ctx)}, so the connector would be left without a credential. Retry the rotation instead of rolling back.`,
    );
  }
  const items = await removeCredentials(ctx, (creds) => withSha1(creds, ctx.newCert.sha1));
  return {
    message: `Removed the new credential again (${items.map((i) => `${i.on} keyId ${i.keyId}`).join(', ')}); the old one stays.`,
    facts: { rolledBack: { at: ctx.now.toISOString(), removedKeyIds: items.map((i) => i.keyId) } },
  };
};
