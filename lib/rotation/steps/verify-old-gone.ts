import {
  credentialList,
  holderLabel,
  holderOf,
  oldCredentials,
  transient,
  withSha1,
  type StepHandler,
} from '@/lib/rotation/steps/step-context';

/**
 * The old credential is absent from the application and its service principal and — when Rekey
 * holds the old private key — a token request with it is refused (AADSTS700027).
 */
export const verifyOldGone: StepHandler = async (ctx) => {
  const view = await ctx.graph.readConnection(ctx.connection);
  const left = [
    ...oldCredentials(view.app?.credentials ?? [], ctx),
    ...oldCredentials(view.sp?.credentials ?? [], ctx),
  ];
  if (left.length > 0) {
    throw transient(
      'OLD_CREDENTIAL_PRESENT',
      `The old credential is still present (${left.map((c) => `${c.on} keyId ${c.keyId}`).join(', ')}); it may have been added again outside Rekey.`,
    );
  }
  // The final verification also needs the new key in place: a read without it, or a token request
  // with it refused, is retried with backoff; after the retries the rotation needs attention.
  const holder = holderOf(view, ctx);
  if (!holder || withSha1(holder.credentials, ctx.newCert.sha1).length === 0) {
    throw transient(
      'NEW_CREDENTIAL_NOT_VISIBLE',
      `The old credential is gone, but a read of ${holderLabel(ctx)} does not show the new certificate ${ctx.newCert.sha1} (Entra ID may still be replicating, or it was removed outside Rekey).`,
    );
  }
  if (ctx.newCert.key) {
    const works = await ctx.graph.verifyCredential(ctx.tenant, ctx.connection.appId, ctx.newCert.key);
    if (!works.ok)
      throw transient(
        works.unavailable ? 'TOKEN_ENDPOINT_UNAVAILABLE' : works.aadsts ? `AADSTS${works.aadsts}` : 'VERIFY_FAILED',
        `The old credential is gone, but a sign-in with the new key does not work yet: ${works.message}`,
      );
  }
  const after = credentialList(view, ctx.now);
  if (!ctx.oldCert?.key) {
    return {
      message:
        'The old credential is gone from the application and its service principal (Rekey does not hold its private key, so no sign-in test).',
      facts: { after, verifyOldGone: { at: ctx.now.toISOString(), method: 'presence', detail: 'absent' } },
    };
  }
  const check = await ctx.graph.verifyCredential(ctx.tenant, ctx.connection.appId, ctx.oldCert.key);
  if (check.ok)
    throw transient(
      'OLD_CREDENTIAL_STILL_WORKS',
      'A sign-in with the old key still succeeds although it is no longer registered (Entra may still be propagating the removal).',
    );
  if (check.unavailable)
    throw transient(
      'TOKEN_ENDPOINT_UNAVAILABLE',
      `The token endpoint was unreachable while testing the old key: ${check.message}`,
    );
  return {
    message: `The old credential is gone and a sign-in with the old key is refused${check.aadsts ? ` (AADSTS${check.aadsts})` : ''}.`,
    facts: {
      after,
      verifyOldGone: {
        at: ctx.now.toISOString(),
        method: 'token',
        detail: check.aadsts ? `AADSTS${check.aadsts}` : check.message,
      },
    },
  };
};
