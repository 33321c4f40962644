/**
 * The authorization code + PKCE redemption both sign-ins share — the operator's sign-in
 * (lib/auth/sign-in-flow.ts) and a customer admin's delegated sign-in (lib/invitations/customer-sign-in.ts):
 * no code is one clear UNAUTHENTICATED; the code is redeemed through MSAL with the flow's verifier,
 * nonce and state; a refusal names MSAL's error code in the caller's words.
 */
import type { AuthenticationResult, ConfidentialClientApplication } from '@azure/msal-node';
import { RekeyError } from '@/lib/errors';

export interface CodeFlow {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
}

export interface CodeQuery {
  code?: string | undefined;
  state?: string | undefined;
  client_info?: string | undefined;
}

export async function redeemAuthorizationCode(
  cca: Pick<ConfidentialClientApplication, 'acquireTokenByCode'>,
  input: { scopes: string[]; flow: CodeFlow; query: CodeQuery },
  /** The message when Microsoft refuses the code, given MSAL's error code. */
  refused: (code: string) => string,
): Promise<AuthenticationResult | null> {
  const { flow, query } = input;
  if (!query.code)
    throw new RekeyError('UNAUTHENTICATED', 'The sign-in response has no authorization code.', { reason: 'no_code' });
  try {
    return await cca.acquireTokenByCode(
      {
        scopes: input.scopes,
        redirectUri: flow.redirectUri,
        code: query.code,
        codeVerifier: flow.verifier,
        nonce: flow.nonce,
        state: flow.state,
      },
      { code: query.code, state: query.state, ...(query.client_info ? { client_info: query.client_info } : {}) },
    );
  } catch (e) {
    const code = (e as { errorCode?: string }).errorCode ?? 'token_error';
    throw new RekeyError('UNAUTHENTICATED', refused(code), { reason: code });
  }
}
