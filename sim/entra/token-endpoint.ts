// POST /{tenant}/oauth2/v2.0/token: client credentials (certificate assertion or secret),
// authorization code + PKCE, refresh token. Follows entra-docs certificate-credentials.md,
// v2-oauth2-client-creds-grant-flow.md and v2-oauth2-auth-code-flow.md; error codes per
// learn.microsoft.com/entra/identity-platform/reference-error-codes (see sim/README.md).
import crypto from 'node:crypto';
import { decodeJwt, verifyJwtSignature } from '../crypto/jwt';
import type {
  ApplicationRecord,
  ServicePrincipalRecord,
  SignInRecord,
  TenantRecord,
  UserRecord,
} from '../directory/directory';
import { MEMBER_USER_ROLE_ID } from '../directory/directory-roles';
import { newGuid } from '../directory/directory';
import type { SimContext } from '../sim-context';
import { AadError, aadErrorResult, type HttpResult } from './aad-error';
import { issueAppAccessToken, issueIdToken, issueUserAccessToken } from './access-token';
import { aadKeyDate, matchKeyCredentials, presentedThumbprint } from './credential-match';
import { MICROSOFT_GRAPH_APP_ID } from '../directory/well-known';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface TokenRequestInfo {
  /** Origin the client used, e.g. https://localhost:4443. */
  origin: string;
  /** The tenant segment of the path as sent (id, domain, common, organizations). */
  tenantSegment: string;
  clientIp: string;
  userAgent: string | null;
  correlationId: string | null;
}

interface ClientAuthResult {
  method: 'certificate' | 'clientSecret' | 'none';
  keyId: string | null;
  thumbprint: string | null;
}

/** Where a failed client authentication is logged (Entra logs failed SP sign-ins too). */
class ClientAuthFailure extends AadError {
  constructor(
    err: AadError,
    readonly keyId: string | null,
    readonly thumbprint: string | null,
  ) {
    super(err.status, err.error, err.aadsts, err.description);
  }
}

function keyNotFoundText(
  reason: string,
  thumbprint: string,
  appId: string,
  found: string | null,
  graphHost: string,
): string {
  return (
    `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprint}'` +
    (found ? `, Found key '${found}'` : '') +
    `, Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'. ` +
    `Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and ` +
    `https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as ` +
    `'https://${graphHost}/beta/applications/${appId}']`
  );
}

/** The token endpoint URLs an assertion's `aud` may name for this tenant. */
function acceptedAudiences(ctx: SimContext, tenant: TenantRecord, info: TokenRequestInfo): Set<string> {
  const out = new Set<string>();
  const origins = [info.origin.toLowerCase(), `https://${ctx.config.loginHost}`];
  const segments = [tenant.id, tenant.domain, info.tenantSegment.toLowerCase()];
  for (const o of origins) {
    for (const s of segments) {
      out.add(`${o}/${s}/oauth2/v2.0/token`);
      out.add(`${o}/${s}/oauth2/token`);
    }
  }
  return out;
}

function verifyClientAssertion(
  ctx: SimContext,
  tenant: TenantRecord,
  app: ApplicationRecord,
  sp: ServicePrincipalRecord,
  assertion: string,
  info: TokenRequestInfo,
): ClientAuthResult {
  const decoded = decodeJwt(assertion);
  if (!decoded) throw new AadError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
  const tp = presentedThumbprint(decoded.header);
  if (!tp)
    throw new AadError(
      401,
      'invalid_client',
      50027,
      'Invalid JWT token. No certificate thumbprint specified in token header.',
    );
  const fail = (err: AadError, keyId: string | null = null): never => {
    throw new ClientAuthFailure(err, keyId, tp.hex);
  };
  if (decoded.header.alg !== 'RS256' && decoded.header.alg !== 'PS256') {
    fail(
      new AadError(
        401,
        'invalid_client',
        5002738,
        `Invalid JWT token. '${String(decoded.header.alg)}' is not a supported signature algorithm. Supported signing algorithms are: 'RS256, PS256'`,
      ),
    );
  }
  const p = decoded.payload;
  if (p.iss !== app.appId || p.sub !== app.appId) {
    fail(
      new AadError(
        401,
        'invalid_client',
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .",
      ),
    );
  }
  const aud = typeof p.aud === 'string' ? p.aud.toLowerCase() : '';
  if (!acceptedAudiences(ctx, tenant, info).has(aud)) {
    fail(
      new AadError(
        401,
        'invalid_client',
        50027,
        `Invalid JWT token. AADSTS50027: Invalid JWT token. Token audience '${String(p.aud)}' is not the token endpoint of tenant '${tenant.id}'.`,
      ),
    );
  }
  const now = ctx.now();
  const nowS = Math.floor(now / 1000);
  const skew = ctx.config.clockSkewSeconds;
  if (typeof p.exp !== 'number' || (p.nbf !== undefined && typeof p.nbf !== 'number')) {
    fail(new AadError(401, 'invalid_client', 50027, 'Invalid JWT token. Token has no valid expiry (exp) claim.'));
  }
  const nbf = typeof p.nbf === 'number' ? p.nbf : typeof p.iat === 'number' ? p.iat : nowS;
  const exp = p.exp as number;
  if (nowS + skew < nbf || nowS - skew > exp) {
    fail(
      new AadError(
        401,
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${new Date(now).toISOString()}, assertion valid from ${new Date(nbf * 1000).toISOString()}, expiry time of assertion ${new Date(exp * 1000).toISOString()}. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .`,
      ),
    );
  }
  // jti replay is deliberately allowed: MSAL reuses one assertion for up to 10 minutes.
  // A just-added key is refused until it has replicated (AADSTS700027, as for an unknown key).
  const usable = [...app.keyCredentials, ...sp.keyCredentials].filter((k) => ctx.replication.keyUsable(k.keyId));
  const matches = matchKeyCredentials(usable, tp, now);
  const best = matches[0];
  if (!best)
    fail(
      new AadError(
        401,
        'invalid_client',
        700027,
        keyNotFoundText('The key was not found.', tp.hex, app.appId, null, ctx.config.graphHost),
      ),
    );
  const m = best!;
  const found = `Start=${aadKeyDate(m.credential.startDateTime)}, End=${aadKeyDate(m.credential.endDateTime)}`;
  if (!m.validNow) {
    const expired = Date.parse(m.credential.endDateTime) < now;
    fail(
      new AadError(
        401,
        'invalid_client',
        700027,
        keyNotFoundText(
          expired ? 'The key used is expired.' : 'The key used is not yet valid.',
          tp.hex,
          app.appId,
          found,
          ctx.config.graphHost,
        ),
      ),
      m.credential.keyId,
    );
  }
  if (!verifyJwtSignature(decoded, m.info.publicKey)) {
    fail(
      new AadError(
        401,
        'invalid_client',
        700027,
        keyNotFoundText(
          'Key was found, but use of the key to verify the signature failed.',
          tp.hex,
          app.appId,
          found,
          ctx.config.graphHost,
        ),
      ),
      m.credential.keyId,
    );
  }
  return {
    method: 'certificate',
    keyId: m.credential.keyId,
    thumbprint: logThumbprint(ctx, m.info.sha1Hex, m.info.sha256Hex),
  };
}

/** servicePrincipalCredentialThumbprint as the configured format writes it (SimConfig.signInThumbprintFormat). */
function logThumbprint(ctx: SimContext, sha1Hex: string, sha256Hex: string): string {
  switch (ctx.config.signInThumbprintFormat) {
    case 'sha1-hex-lower-colons':
      return sha1Hex.toLowerCase().match(/../g)!.join(':');
    case 'sha1-base64':
      return Buffer.from(sha1Hex, 'hex').toString('base64');
    case 'sha256-hex':
      return sha256Hex.toUpperCase();
    default:
      return sha1Hex.toUpperCase();
  }
}

function verifyClientSecret(
  ctx: SimContext,
  app: ApplicationRecord,
  sp: ServicePrincipalRecord,
  secret: string,
  nowMs: number,
): ClientAuthResult {
  const hash = crypto.createHash('sha256').update(secret).digest('hex');
  for (const c of [...app.passwordCredentials, ...sp.passwordCredentials]) {
    // A just-added secret is unknown to the token endpoint until it has replicated.
    if (c.secretSha256 !== hash || !ctx.replication.keyUsable(c.keyId)) continue;
    if (Date.parse(c.endDateTime) < nowMs) {
      throw new AadError(
        401,
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      );
    }
    return { method: 'clientSecret', keyId: c.keyId, thumbprint: null };
  }
  throw new AadError(
    401,
    'invalid_client',
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
  );
}

function authenticateClient(
  ctx: SimContext,
  tenant: TenantRecord,
  app: ApplicationRecord,
  sp: ServicePrincipalRecord,
  form: URLSearchParams,
  info: TokenRequestInfo,
  allowPublic: boolean,
): ClientAuthResult {
  const assertion = form.get('client_assertion');
  const secret = form.get('client_secret');
  if (assertion) {
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      throw new AadError(
        400,
        'invalid_request',
        50027,
        "Invalid JWT token. The request body must contain the following parameter: 'client_assertion_type' with value 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
      );
    }
    return verifyClientAssertion(ctx, tenant, app, sp, assertion, info);
  }
  if (secret) return verifyClientSecret(ctx, app, sp, secret, ctx.now());
  if (allowPublic) return { method: 'none', keyId: null, thumbprint: null };
  throw new AadError(
    401,
    'invalid_client',
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

function resolveResource(
  ctx: SimContext,
  tenant: TenantRecord,
  scope: string,
): { sp: ServicePrincipalRecord; audience: string } {
  const resource = scope.slice(0, -'/.default'.length).replace(/\/$/, '');
  const lower = resource.toLowerCase();
  for (const sp of tenant.servicePrincipals.values()) {
    if (sp.appId === lower || sp.servicePrincipalNames.some((n) => n.toLowerCase().replace(/\/$/, '') === lower)) {
      // The token's audience is the resource as requested (a Graph URI of another cloud, e.g.
      // https://graph.microsoft.us against DoD's dod-graph.microsoft.us, is then refused by Graph's
      // audience check); requested by appId, Graph tokens carry this cloud's Graph URI.
      const audience =
        sp.appId === MICROSOFT_GRAPH_APP_ID
          ? lower === MICROSOFT_GRAPH_APP_ID
            ? `https://${ctx.config.graphHost}`
            : lower
          : resource;
      return { sp, audience };
    }
  }
  throw new AadError(
    400,
    'invalid_resource',
    500011,
    `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );
}

function findClient(
  ctx: SimContext,
  tenant: TenantRecord,
  clientId: string,
): { app: ApplicationRecord; sp: ServicePrincipalRecord } {
  const id = clientId.toLowerCase();
  const app = ctx.directory.appsByAppId.get(id);
  const sp = tenant.spsByAppId.get(id);
  if (!app || !sp) {
    throw new AadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  if (!sp.accountEnabled) {
    throw new AadError(
      400,
      'unauthorized_client',
      7000112,
      `Application '${app.appId}'(${app.displayName}) is disabled.`,
    );
  }
  return { app, sp };
}

function spSignIn(
  ctx: SimContext,
  tenant: TenantRecord,
  app: ApplicationRecord,
  sp: ServicePrincipalRecord,
  resource: ServicePrincipalRecord | null,
  info: TokenRequestInfo,
  auth: { method: string; keyId: string | null; thumbprint: string | null },
  status: { errorCode: number; failureReason: string | null },
  uti: string | null,
): SignInRecord {
  return {
    id: newGuid(),
    createdDateTime: new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    appId: app.appId,
    appDisplayName: app.displayName,
    servicePrincipalId: sp.id,
    servicePrincipalName: sp.displayName,
    userId: null,
    userPrincipalName: null,
    userDisplayName: null,
    ipAddress: info.clientIp,
    signInEventTypes: ['servicePrincipal'],
    clientCredentialType:
      auth.method === 'certificate' ? 'certificate' : auth.method === 'clientSecret' ? 'clientSecret' : 'none',
    servicePrincipalCredentialKeyId: auth.keyId,
    servicePrincipalCredentialThumbprint: auth.thumbprint,
    resourceId: resource?.appId ?? MICROSOFT_GRAPH_APP_ID,
    resourceDisplayName: resource?.displayName ?? 'Microsoft Graph',
    resourceServicePrincipalId: resource?.id ?? null,
    resourceTenantId: tenant.id,
    homeTenantId: tenant.id,
    appOwnerTenantId: app.tenantId,
    isInteractive: false,
    correlationId: info.correlationId ?? newGuid(),
    uniqueTokenIdentifier: uti,
    userAgent: info.userAgent,
    status: {
      errorCode: status.errorCode,
      failureReason: status.failureReason ?? (status.errorCode === 0 ? null : 'Other.'),
      additionalDetails: null,
    },
  };
}

function clientCredentials(
  ctx: SimContext,
  tenant: TenantRecord,
  form: URLSearchParams,
  info: TokenRequestInfo,
): HttpResult {
  const clientId = form.get('client_id');
  if (!clientId)
    throw new AadError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  const scope = (form.get('scope') ?? '').trim();
  if (!scope)
    throw new AadError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  const scopes = scope.split(/\s+/);
  if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) {
    throw new AadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const { app, sp } = findClient(ctx, tenant, clientId);
  const resource = resolveResource(ctx, tenant, scopes[0]!);
  // One failed service-principal sign-in record, for a refused client authentication or a block after it.
  const recordFailure = (
    how: { method: string; keyId: string | null; thumbprint: string | null },
    err: AadError,
    failureReason: string | null,
  ) =>
    ctx.directory.recordSignIn(
      tenant,
      spSignIn(ctx, tenant, app, sp, resource.sp, info, how, { errorCode: err.aadsts, failureReason }, null),
    );
  let auth: ClientAuthResult;
  try {
    auth = authenticateClient(ctx, tenant, app, sp, form, info, false);
  } catch (err) {
    if (err instanceof AadError) {
      const failure = err instanceof ClientAuthFailure ? err : null;
      recordFailure(
        {
          method: form.get('client_assertion') ? 'certificate' : 'clientSecret',
          keyId: failure?.keyId ?? null,
          thumbprint: failure?.thumbprint ?? null,
        },
        err,
        err.description.split(' [')[0] ?? null,
      );
    }
    throw err;
  }
  // Conditional Access for workload identities is evaluated after the client authenticated
  // (reference-error-codes: AADSTS53003 BlockedByConditionalAccess).
  if (sp.simConditionalAccessBlock) {
    const blocked = new AadError(
      400,
      'invalid_grant',
      53003,
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    );
    recordFailure(auth, blocked, blocked.description);
    throw blocked;
  }
  const roles = ctx.directory.rolesOf(tenant, sp.id, resource.sp);
  const issued = issueAppAccessToken(ctx, {
    tenantId: tenant.id,
    appId: app.appId,
    appDisplayName: app.displayName,
    servicePrincipalId: sp.id,
    audience: resource.audience,
    roles,
    appidacr: auth.method === 'certificate' ? '2' : '1',
  });
  ctx.directory.recordSignIn(
    tenant,
    spSignIn(ctx, tenant, app, sp, resource.sp, info, auth, { errorCode: 0, failureReason: null }, issued.uti),
  );
  return {
    status: 200,
    headers: { 'cache-control': 'no-store, no-cache' },
    body: {
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      ext_expires_in: issued.expiresIn,
      access_token: issued.token,
    },
  };
}

export function clientInfoFor(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString('base64url');
}

function userTokens(
  ctx: SimContext,
  tenant: TenantRecord,
  app: ApplicationRecord,
  userId: string,
  scopes: string[],
  nonce: string | null,
  info: TokenRequestInfo,
): HttpResult {
  const user = tenant.users.get(userId);
  if (!user)
    throw new AadError(
      400,
      'invalid_grant',
      50034,
      `The user account ${userId} does not exist in the ${tenant.id} directory.`,
    );
  const appSp = tenant.spsByAppId.get(app.appId);
  const appRoles = appSp ? ctx.directory.rolesOf(tenant, user.id, appSp) : [];
  const resourceScopes = scopes.filter((s) => !['openid', 'profile', 'offline_access', 'email'].includes(s));
  const requestedGraphScopes = resourceScopes
    .map((s) => s.replace(/^https:\/\/[^/]+\//, ''))
    .filter((s) => s && s !== '.default');
  // With delegated grants in the tenant, `scp` is what was consented (all of it, as Entra issues it).
  const consented = consentedScopes(ctx, tenant, app.appId, user.id);
  const graphScopes = consented.length > 0 ? consented : requestedGraphScopes;
  const accessToken = issueUserAccessToken(ctx, {
    tenantId: tenant.id,
    clientId: app.appId,
    userId: user.id,
    upn: user.userPrincipalName,
    name: user.displayName,
    audience: `https://${ctx.config.graphHost}`,
    scopes: graphScopes.length > 0 ? graphScopes : ['User.Read'],
    roles: [],
    wids: widsOf(user),
  });
  const idToken = issueIdToken(ctx, {
    issuer: `${info.origin}/${tenant.id}/v2.0`,
    tenantId: tenant.id,
    clientId: app.appId,
    userId: user.id,
    upn: user.userPrincipalName,
    name: user.displayName,
    nonce,
    roles: appRoles,
    wids: widsOf(user),
  });
  const refreshToken = crypto.randomBytes(32).toString('base64url');
  ctx.directory.refreshTokens.set(refreshToken, {
    token: refreshToken,
    clientId: app.appId,
    tenantId: tenant.id,
    userId: user.id,
    scopes,
    expiresAt: ctx.now() + 24 * 3600 * 1000,
  });
  ctx.directory.recordSignIn(tenant, {
    ...spSignIn(
      ctx,
      tenant,
      app,
      appSp ?? ({ id: null, displayName: null } as unknown as ServicePrincipalRecord),
      null,
      info,
      { method: 'none', keyId: null, thumbprint: null },
      { errorCode: 0, failureReason: null },
      null,
    ),
    servicePrincipalId: null,
    servicePrincipalName: null,
    userId: user.id,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName,
    signInEventTypes: ['interactiveUser'],
    clientCredentialType: 'none',
    isInteractive: true,
  });
  const lifetime = ctx.config.accessTokenLifetimeSeconds - 1;
  return {
    status: 200,
    headers: { 'cache-control': 'no-store, no-cache' },
    body: {
      token_type: 'Bearer',
      scope: [
        ...new Set([
          ...(graphScopes.length > 0
            ? graphScopes.map((s) => `https://${ctx.config.graphHost}/${s}`)
            : [`https://${ctx.config.graphHost}/User.Read`]),
          ...scopes.filter((s) => ['openid', 'profile', 'offline_access', 'email'].includes(s)),
        ]),
      ].join(' '),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: clientInfoFor(user.id, tenant.id),
    },
  };
}

/** Delegated Graph permissions granted to `appId` for `userId` in `tenant` (empty without grants). */
function consentedScopes(ctx: SimContext, tenant: TenantRecord, appId: string, userId: string): string[] {
  const clientSp = tenant.spsByAppId.get(appId);
  const graphSp = tenant.spsByAppId.get(MICROSOFT_GRAPH_APP_ID);
  if (!clientSp || !graphSp) return [];
  return ctx.directory.delegatedScopes(tenant, clientSp.id, graphSp.id, userId);
}

/** The `wids` claim: the user's directory role template ids plus the member-user role. */
function widsOf(user: UserRecord): string[] {
  return [...(user.directoryRoles ?? []), MEMBER_USER_ROLE_ID];
}

function authorizationCode(
  ctx: SimContext,
  tenantHint: TenantRecord | null,
  form: URLSearchParams,
  info: TokenRequestInfo,
): HttpResult {
  const code = form.get('code') ?? '';
  const record = ctx.directory.authCodes.get(code);
  if (!record || record.expiresAt < ctx.now()) {
    throw new AadError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    );
  }
  ctx.directory.authCodes.delete(code); // codes are single-use
  const tenant = ctx.directory.tenants.get(record.tenantId);
  if (!tenant || (tenantHint && tenantHint.id !== tenant.id)) {
    throw new AadError(400, 'invalid_grant', 50146, 'The authorization code was issued for a different tenant.');
  }
  if (form.get('client_id')?.toLowerCase() !== record.clientId) {
    throw new AadError(
      400,
      'invalid_grant',
      70000,
      "The provided value for the 'client_id' does not match the authorization code.",
    );
  }
  if (form.get('redirect_uri') !== record.redirectUri) {
    throw new AadError(
      400,
      'invalid_grant',
      500112,
      'The reply address does not match the reply address provided when requesting Authorization code.',
    );
  }
  if (record.codeChallenge) {
    const verifier = form.get('code_verifier') ?? '';
    const computed =
      record.codeChallengeMethod === 'plain'
        ? verifier
        : crypto.createHash('sha256').update(verifier).digest('base64url');
    if (!verifier || computed !== record.codeChallenge) {
      throw new AadError(
        400,
        'invalid_grant',
        501481,
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      );
    }
  }
  const { app, sp } = findClient(ctx, tenant, record.clientId);
  authenticateClient(
    ctx,
    tenant,
    app,
    sp,
    form,
    // On /organizations and /common the assertion's audience names that endpoint (acceptedAudiences
    // accepts the tenant's own endpoints and the segment as sent).
    info,
    app.keyCredentials.length === 0 && app.passwordCredentials.length === 0,
  );
  return userTokens(ctx, tenant, app, record.userId, record.scopes, record.nonce, info);
}

function refreshTokenGrant(
  ctx: SimContext,
  tenantHint: TenantRecord | null,
  form: URLSearchParams,
  info: TokenRequestInfo,
): HttpResult {
  const token = form.get('refresh_token') ?? '';
  const record = ctx.directory.refreshTokens.get(token);
  if (!record || record.expiresAt < ctx.now() || record.clientId !== form.get('client_id')?.toLowerCase()) {
    throw new AadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
  }
  const tenant = ctx.directory.tenants.get(record.tenantId);
  if (!tenant || (tenantHint && tenantHint.id !== tenant.id))
    throw new AadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
  const { app, sp } = findClient(ctx, tenant, record.clientId);
  authenticateClient(
    ctx,
    tenant,
    app,
    sp,
    form,
    // On /organizations and /common the assertion's audience names that endpoint (acceptedAudiences
    // accepts the tenant's own endpoints and the segment as sent).
    info,
    app.keyCredentials.length === 0 && app.passwordCredentials.length === 0,
  );
  ctx.directory.refreshTokens.delete(token);
  const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  return userTokens(ctx, tenant, app, record.userId, requested.length > 0 ? requested : record.scopes, null, info);
}

const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations']);

export function handleTokenRequest(ctx: SimContext, form: URLSearchParams, info: TokenRequestInfo): HttpResult {
  const correlationId = info.correlationId ?? form.get('client-request-id');
  const reqInfo = { ...info, correlationId };
  try {
    const grantType = form.get('grant_type');
    const isMulti = MULTI_TENANT_SEGMENTS.has(info.tenantSegment.toLowerCase());
    const tenant = isMulti ? null : ctx.directory.findTenant(info.tenantSegment);
    if (!tenant && !isMulti) {
      throw new AadError(
        400,
        'invalid_request',
        90002,
        `Tenant '${info.tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
    }
    if (!grantType)
      throw new AadError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    if (grantType === 'client_credentials') {
      if (!tenant) {
        throw new AadError(
          400,
          'invalid_request',
          700044,
          `Tenant-independent endpoint '/${info.tenantSegment}' is not supported for the client credentials flow. Use a tenant-specific endpoint.`,
        );
      }
      return clientCredentials(ctx, tenant, form, reqInfo);
    }
    if (grantType === 'authorization_code') return authorizationCode(ctx, tenant, form, reqInfo);
    if (grantType === 'refresh_token') return refreshTokenGrant(ctx, tenant, form, reqInfo);
    throw new AadError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  } catch (err) {
    if (err instanceof AadError) return aadErrorResult(err, ctx.now(), correlationId);
    throw err;
  }
}
