import type { ConnectionView, ObservedCredential } from '@/lib/rotation/graph-port';
import type { RotationFacts } from '@/lib/rotation/rotation-facts';
import {
  heldKeys,
  holderLabel,
  holderOf,
  oldCredentials,
  transient,
  withSha1,
  type StepContext,
  type StepHandler,
} from '@/lib/rotation/steps/step-context';

type Removed = NonNullable<RotationFacts['removed']>['items'];

/** Removes the given credentials from the app and its service principal (as read just now, or by the caller). */
export async function removeCredentials(
  ctx: StepContext,
  pick: (creds: ObservedCredential[]) => ObservedCredential[],
  viewIn?: ConnectionView,
): Promise<Removed> {
  const view = viewIn ?? (await ctx.graph.readConnection(ctx.connection));
  const items: Removed = [];
  const objects = [
    view.app ? { on: 'application' as const, id: view.app.id, creds: view.app.credentials } : null,
    view.sp ? { on: 'servicePrincipal' as const, id: view.sp.id, creds: view.sp.credentials } : null,
  ].filter((o) => o !== null);
  for (const o of objects) {
    // What the object holds as each removal starts: the read, minus what this loop already removed.
    let known = o.creds;
    for (const cred of pick(o.creds)) {
      const w = await ctx.graph.removeCredential(ctx.tenant, {
        on: o.on,
        objectId: o.id,
        keyId: cred.keyId,
        heldKeys: heldKeys(ctx),
        now: ctx.now,
        known,
      });
      known = known.filter((k) => k.keyId !== cred.keyId);
      items.push({ on: o.on, keyId: cred.keyId, sha1: cred.sha1, path: w.path, reason: w.reason });
    }
  }
  return items;
}

/** Removes the old credential(s). In rotate mode only while the new one is on the application. */
export const removeOld: StepHandler = async (ctx) => {
  const view = await ctx.graph.readConnection(ctx.connection);
  const holder = holderOf(view, ctx);
  if (ctx.plan === 'rotate' && (!holder || withSha1(holder.credentials, ctx.newCert.sha1).length === 0)) {
    // Never compute a removal from a read without the new key: a replica that has not seen the add
    // yet would make "the list minus the old key" drop the new one. Wait (bounded by the retry
    // policy; then the rotation needs attention, the old key still in place).
    throw transient(
      'NEW_CREDENTIAL_NOT_VISIBLE',
      `Not removing the old credential yet: a read of ${holderLabel(ctx)} does not show the new certificate ${ctx.newCert.sha1} (Entra ID may still be replicating the add, or it was removed outside Rekey), and the connector must never be left without a credential.`,
    );
  }
  const items = await removeCredentials(ctx, (creds) => oldCredentials(creds, ctx), view);
  const prior = ctx.facts.removed?.items ?? [];
  const all = [...prior, ...items.filter((i) => !prior.some((p) => p.keyId === i.keyId && p.on === i.on))];
  return {
    message: items.length
      ? `Removed ${items.length} old credential${items.length > 1 ? 's' : ''} (${items.map((i) => `${i.on} keyId ${i.keyId}`).join(', ')}).`
      : 'The old credential was already gone; nothing removed.',
    facts: { removed: { at: ctx.now.toISOString(), items: all, alreadyAbsent: all.length === 0 } },
  };
};
