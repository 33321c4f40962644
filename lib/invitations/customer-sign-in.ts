/**
 * The customer admin's sign-in for an invitation: authorization code + PKCE through the real MSAL
 * on the `organizations` authority with the delegated-rotation app (ADR 027). `beginCustomerSignIn`
 * makes state, nonce and verifier bound to the invitation (the caller keeps them in a short-lived
 * sealed cookie); `finishCustomerSignIn` checks the flow belongs to this invitation, redeems the
 * code, verifies the id_token against the issuer's keys and returns who signed in plus the tokens
 * (access token and MSAL's serialized cache, which holds the refresh token) for the vault.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { RekeyError } from '@/lib/errors';
import { redeemAuthorizationCode } from '@/lib/auth/redeem-authorization-code';
import { decodeJwtClaims } from '@/lib/graph/msal-options';
import { getOidcMetadata, verifyIdTokenFromIssuer } from '@/lib/auth/id-token';
import { delegatedClient, delegatedScopes, type DelegatedAppConfig } from '@/lib/invitations/delegated-app';

export const CUSTOMER_FLOW_TTL_MS = 10 * 60_000;

export const CustomerFlowSchema = z.object({
  invitationId: z.uuid(),
  state: z.string().min(32),
  nonce: z.string().min(32),
  verifier: z.string().min(43).max(128),
  redirectUri: z.url(),
  exp: z.number(),
});
export type CustomerFlow = z.infer<typeof CustomerFlowSchema>;

const random = (bytes = 32) => crypto.randomBytes(bytes).toString('base64url');

export async function beginCustomerSignIn(
  cfg: DelegatedAppConfig,
  input: { invitationId: string; redirectUri: string; now: Date; loginHint?: string },
): Promise<{ url: string; flow: CustomerFlow }> {
  const flow: CustomerFlow = {
    invitationId: input.invitationId,
    state: random(),
    nonce: random(),
    verifier: random(48),
    redirectUri: input.redirectUri,
    exp: input.now.getTime() + CUSTOMER_FLOW_TTL_MS,
  };
  const url = await delegatedClient(cfg).getAuthCodeUrl({
    scopes: delegatedScopes(cfg),
    redirectUri: flow.redirectUri,
    responseMode: 'query',
    state: flow.state,
    nonce: flow.nonce,
    codeChallenge: crypto.createHash('sha256').update(flow.verifier).digest('base64url'),
    codeChallengeMethod: 'S256',
    prompt: 'select_account',
    ...(input.loginHint ? { loginHint: input.loginHint } : {}),
  });
  return { url, flow };
}

export interface CustomerSignIn {
  upn: string;
  name: string;
  userId: string;
  tenantId: string;
  /** Directory role template ids (`wids` of the id token). */
  roleIds: string[];
  accessToken: string;
  expiresOn: Date;
  /** MSAL's serialized token cache (holds the refresh token): seal it, never log it. */
  cache: string;
}

export type CallbackQuery = {
  code?: string;
  state?: string;
  client_info?: string;
  error?: string;
  error_description?: string;
};

/** Why a sign-in ended without tokens, for the funnel. */
export function declinedConsent(query: CallbackQuery): boolean {
  return query.error === 'access_denied' || query.error === 'consent_required';
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export async function finishCustomerSignIn(
  cfg: DelegatedAppConfig,
  flow: CustomerFlow | null,
  invitationId: string,
  query: CallbackQuery,
  now: Date,
  fetchImpl: typeof fetch = fetch,
): Promise<CustomerSignIn> {
  if (!flow || flow.exp < now.getTime())
    throw new RekeyError(
      'UNAUTHENTICATED',
      'The sign-in attempt expired or was started in another browser. Start again from the link.',
      {
        reason: 'no_flow',
      },
    );
  if (flow.invitationId !== invitationId || !query.state || !sameString(query.state, flow.state))
    throw new RekeyError(
      'UNAUTHENTICATED',
      "The sign-in response does not belong to this invitation's sign-in. Start again from the link.",
      {
        reason: 'state_mismatch',
      },
    );
  if (query.error) {
    const declined = declinedConsent(query);
    throw new RekeyError(
      'FORBIDDEN',
      declined
        ? /AADSTS90094/.test(query.error_description ?? '')
          ? 'Microsoft says an administrator must approve the permissions Rekey asks for. Sign in with an administrator account (Global Administrator, Privileged Role Administrator, Application Administrator or Cloud Application Administrator).'
          : 'You did not accept the permissions Rekey asks for, so nothing was changed. To rotate the connection, sign in again and accept.'
        : `Microsoft did not complete the sign-in: ${query.error}.`,
      { reason: declined ? 'consent_declined' : query.error },
    );
  }
  const cca = delegatedClient(cfg);
  const result = await redeemAuthorizationCode(
    cca,
    { scopes: delegatedScopes(cfg), flow, query },
    (code) => `Microsoft refused the sign-in code (${code}). Start again from the link.`,
  );
  if (!result?.idToken || !result.accessToken)
    throw new RekeyError('UNAUTHENTICATED', 'Microsoft returned no tokens for the sign-in.', { reason: 'no_tokens' });
  const metadata = await getOidcMetadata(`${cfg.authorityHost.replace(/\/+$/, '')}/organizations`, fetchImpl);
  const claims = await verifyIdTokenFromIssuer(
    { idToken: result.idToken, metadata, clientId: cfg.clientId, nonce: flow.nonce, now, expectedTenantId: null },
    fetchImpl,
  );
  // Verified above; `wids` is an optional claim the delegated app's registration asks for.
  const wids = decodeJwtClaims(result.idToken).wids;
  const cache = cca.getTokenCache().serialize();
  return {
    upn: claims.preferredUsername,
    name: claims.name,
    userId: claims.oid,
    tenantId: claims.tid,
    roleIds: Array.isArray(wids) ? wids.filter((w): w is string => typeof w === 'string') : [],
    accessToken: result.accessToken,
    expiresOn: result.expiresOn ?? new Date(now.getTime() + 3_000_000),
    cache,
  };
}
