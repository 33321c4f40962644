import { isCurrentlyValid } from '@/lib/graph/describe-key-credential';
import { permanent, requireHolder, transient, withSha1, type StepHandler } from '@/lib/rotation/steps/step-context';

/**
 * The new credential works: a token request AS the connector with the new key succeeds (when
 * Rekey holds it); otherwise the credential is on the application with the right thumbprint and
 * currently valid dates.
 */
export const verifyNew: StepHandler = async (ctx) => {
  const view = await ctx.graph.readConnection(ctx.connection);
  const app = requireHolder(view, ctx, 'verify_new');
  const cred = withSha1(app.credentials, ctx.newCert.sha1)[0];
  if (!cred)
    // A replica may not have seen the add yet; retried with backoff, then the rotation needs attention.
    throw transient(
      'NEW_CREDENTIAL_NOT_VISIBLE',
      `A read of ${app.label} does not show the new certificate ${ctx.newCert.sha1} (Entra ID may still be replicating the add, or it was removed outside Rekey).`,
    );
  if (!isCurrentlyValid(cred, ctx.now))
    throw permanent(
      'NEW_CREDENTIAL_NOT_VALID',
      `The new credential (keyId ${cred.keyId}) is on ${app.label} but not valid now (${cred.start} – ${cred.end}).`,
    );
  if (!ctx.newCert.key) {
    return {
      message: `The new credential is on ${app.label} (keyId ${cred.keyId}, valid until ${cred.end}); Rekey does not hold its private key, so it could not test a sign-in.`,
      facts: { verifyNew: { at: ctx.now.toISOString(), method: 'presence', detail: `keyId ${cred.keyId}` } },
    };
  }
  const check = await ctx.graph.verifyCredential(ctx.tenant, ctx.connection.appId, ctx.newCert.key);
  if (check.ok) {
    return {
      message: `The connector obtained a token with the new certificate ${ctx.newCert.sha1}.`,
      facts: { verifyNew: { at: ctx.now.toISOString(), method: 'token', detail: 'token issued' } },
    };
  }
  if (check.unavailable)
    throw transient(
      'TOKEN_ENDPOINT_UNAVAILABLE',
      `The token endpoint was unreachable while testing the new key: ${check.message}`,
    );
  // Entra can take a little while to accept a just-added key: retry before giving up.
  if (check.keyNotRegistered)
    throw transient('AADSTS700027', `The token endpoint does not accept the new key yet (AADSTS700027).`);
  throw permanent(
    check.aadsts ? `AADSTS${check.aadsts}` : 'VERIFY_FAILED',
    `A sign-in with the new key was refused: ${check.message}`,
  );
};
