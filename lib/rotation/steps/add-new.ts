import { heldKeys, requireHolder, transient, withSha1, type StepHandler } from '@/lib/rotation/steps/step-context';

/** Adds the new certificate to the object holding the credential (application or service principal) — unless it is already there. */
export const addNew: StepHandler = async (ctx) => {
  const view = await ctx.graph.readConnection(ctx.connection);
  const app = requireHolder(view, ctx, 'add_new');
  const present = withSha1(app.credentials, ctx.newCert.sha1)[0];
  if (present) {
    return {
      message: `The new certificate ${ctx.newCert.sha1} is already on ${app.label} (keyId ${present.keyId}); nothing added.`,
      facts: {
        add: ctx.facts.add ?? {
          at: ctx.now.toISOString(),
          path: ctx.facts.recreated ? 'create' : 'none',
          reason: ctx.facts.recreated ? 'added when the connection was recreated' : 'already present when the step ran',
          keyId: present.keyId,
          alreadyPresent: true,
        },
      },
    };
  }
  // A write computed from a stale read could put back a credential Rekey already removed (a PATCH
  // replaces the whole list): wait until reads no longer show what was removed.
  const removedKeyIds = new Set((ctx.facts.removed?.items ?? []).map((i) => i.keyId));
  const stale = app.credentials.filter((c) => removedKeyIds.has(c.keyId));
  if (stale.length > 0)
    throw transient(
      'STALE_READ',
      `Not adding yet: a read of ${app.label} still shows the removed credential${stale.length > 1 ? 's' : ''} ${stale.map((c) => `keyId ${c.keyId}`).join(', ')} (Entra ID may still be replicating the removal), and a write from that read could put it back.`,
    );
  const w = await ctx.graph.addCredential(ctx.tenant, {
    on: app.on,
    objectId: app.id,
    credential: ctx.newCert.credential,
    heldKeys: heldKeys(ctx),
    now: ctx.now,
    known: app.credentials,
  });
  return {
    message: `Added the new certificate ${ctx.newCert.sha1} to ${app.label} with ${w.path === 'addKey' ? 'addKey' : w.path === 'patch' ? 'PATCH' : 'no write'} (${w.reason}).`,
    facts: {
      add: {
        at: ctx.now.toISOString(),
        path: w.path,
        reason: w.reason,
        keyId: w.keyId,
        alreadyPresent: w.path === 'none',
      },
    },
  };
};
