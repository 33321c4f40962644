/**
 * The two halves of the authorization-code + PKCE sign-in, independent of Next:
 * `beginSignIn` makes state, nonce and PKCE verifier (kept by the caller in a short-lived sealed
 * cookie) and the authorize URL; `finishSignIn` checks state, redeems the code with the
 * verifier and nonce, verifies the id_token against the issuer's JWKS, and forgets MSAL's
 * cached tokens (Rekey keeps none of the user's tokens).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { ConfidentialClientApplication } from '@azure/msal-node';
import { RekeyError } from '@/lib/errors';
import { redeemAuthorizationCode } from '@/lib/auth/redeem-authorization-code';
import { getOidcMetadata, verifyIdTokenFromIssuer, type IdTokenClaims } from '@/lib/auth/id-token';
import type { SignInConfig } from '@/lib/auth/sign-in-client';

export const SIGN_IN_SCOPES = ['openid', 'profile', 'email'];
export const FLOW_TTL_MS = 10 * 60_000;

export const SignInFlowSchema = z.object({
  state: z.string().min(32),
  nonce: z.string().min(32),
  verifier: z.string().min(43).max(128),
  returnTo: z.string(),
  redirectUri: z.url(),
  exp: z.number(),
});
export type SignInFlow = z.infer<typeof SignInFlowSchema>;

function random(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function pkceChallenge(verifier: string): string {
  return crypto.createHash('sha256').update(verifier).digest('base64url');
}

export async function beginSignIn(
  cca: Pick<ConfidentialClientApplication, 'getAuthCodeUrl'>,
  input: { redirectUri: string; returnTo: string; now: Date; loginHint?: string },
): Promise<{ url: string; flow: SignInFlow }> {
  const flow: SignInFlow = {
    state: random(),
    nonce: random(),
    verifier: random(48),
    returnTo: input.returnTo,
    redirectUri: input.redirectUri,
    exp: input.now.getTime() + FLOW_TTL_MS,
  };
  const url = await cca.getAuthCodeUrl({
    scopes: SIGN_IN_SCOPES,
    redirectUri: flow.redirectUri,
    responseMode: 'query',
    state: flow.state,
    nonce: flow.nonce,
    codeChallenge: pkceChallenge(flow.verifier),
    codeChallengeMethod: 'S256',
    prompt: 'select_account',
    ...(input.loginHint ? { loginHint: input.loginHint } : {}),
  });
  return { url, flow };
}

export const CallbackQuerySchema = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(512).optional(),
  client_info: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
});
export type CallbackQuery = z.infer<typeof CallbackQuerySchema>;

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export async function finishSignIn(
  cca: Pick<ConfidentialClientApplication, 'acquireTokenByCode' | 'getTokenCache'>,
  cfg: Pick<SignInConfig, 'clientId' | 'authority' | 'homeTenant'>,
  flow: SignInFlow | null,
  query: CallbackQuery,
  now: Date,
  fetchImpl: typeof fetch = fetch,
): Promise<IdTokenClaims> {
  if (query.error) {
    throw new RekeyError('UNAUTHENTICATED', `Sign-in was not completed: ${query.error}.`, { reason: query.error });
  }
  if (!flow || flow.exp < now.getTime())
    throw new RekeyError(
      'UNAUTHENTICATED',
      'The sign-in attempt expired or was started in another browser. Start again.',
      { reason: 'no_flow' },
    );
  if (!query.state || !sameString(query.state, flow.state))
    throw new RekeyError(
      'UNAUTHENTICATED',
      "The sign-in response does not match this browser's sign-in attempt. Start again.",
      { reason: 'state_mismatch' },
    );
  const result = await redeemAuthorizationCode(
    cca,
    { scopes: SIGN_IN_SCOPES, flow, query },
    (code) => `The sign-in service refused the authorization code (${code}). Start again.`,
  );
  try {
    if (!result?.idToken)
      throw new RekeyError('UNAUTHENTICATED', 'The sign-in service returned no id_token.', { reason: 'no_id_token' });
    const metadata = await getOidcMetadata(cfg.authority, fetchImpl);
    return await verifyIdTokenFromIssuer(
      {
        idToken: result.idToken,
        metadata,
        clientId: cfg.clientId,
        nonce: flow.nonce,
        now,
        expectedTenantId: cfg.homeTenant,
      },
      fetchImpl,
    );
  } finally {
    if (result?.account)
      await cca
        .getTokenCache()
        .removeAccount(result.account)
        .catch(() => undefined);
  }
}
