// Access tokens and id tokens the simulator issues (signed with its own key, published in JWKS),
// and verification of access tokens presented to Graph.
import crypto from 'node:crypto';
import { decodeJwt, signJwt, verifyJwtSignature, type JwtPayload } from '../crypto/jwt';
import { accessTokenIssuer, graphResourceUri, type SimContext } from '../sim-context';
import { MICROSOFT_GRAPH_APP_ID } from '../directory/well-known';

export interface AppTokenInput {
  tenantId: string;
  appId: string;
  appDisplayName: string;
  servicePrincipalId: string;
  audience: string;
  roles: string[];
  /** 1 = secret, 2 = certificate */
  appidacr: '1' | '2';
}

export function issueAppAccessToken(
  ctx: SimContext,
  input: AppTokenInput,
): { token: string; expiresIn: number; uti: string } {
  const iat = Math.floor(ctx.now() / 1000);
  const lifetime = ctx.config.accessTokenLifetimeSeconds;
  const uti = crypto.randomBytes(16).toString('base64url');
  const payload: JwtPayload = {
    aud: input.audience,
    iss: accessTokenIssuer(ctx.config, input.tenantId),
    iat,
    nbf: iat,
    exp: iat + lifetime,
    app_displayname: input.appDisplayName,
    appid: input.appId,
    appidacr: input.appidacr,
    idp: accessTokenIssuer(ctx.config, input.tenantId),
    idtyp: 'app',
    oid: input.servicePrincipalId,
    sub: input.servicePrincipalId,
    tid: input.tenantId,
    uti,
    ver: '1.0',
  };
  if (input.roles.length > 0) payload.roles = input.roles;
  const token = signJwt(
    { typ: 'JWT', alg: 'RS256', kid: ctx.signingKey.kid, x5t: ctx.signingKey.kid },
    payload,
    ctx.signingKey.privateKey,
  );
  return { token, expiresIn: lifetime - 1, uti };
}

export interface UserTokenInput {
  tenantId: string;
  clientId: string;
  userId: string;
  upn: string;
  name: string;
  audience: string;
  scopes: string[];
  roles: string[];
  /** Directory role template ids (`wids`). */
  wids?: string[];
}

export function issueUserAccessToken(ctx: SimContext, input: UserTokenInput): string {
  const iat = Math.floor(ctx.now() / 1000);
  const payload: JwtPayload = {
    aud: input.audience,
    iss: accessTokenIssuer(ctx.config, input.tenantId),
    iat,
    nbf: iat,
    exp: iat + ctx.config.accessTokenLifetimeSeconds,
    appid: input.clientId,
    idtyp: 'user',
    name: input.name,
    oid: input.userId,
    scp: input.scopes.join(' '),
    sub: input.userId,
    tid: input.tenantId,
    unique_name: input.upn,
    upn: input.upn,
    ver: '1.0',
  };
  if (input.roles.length > 0) payload.roles = input.roles;
  if (input.wids && input.wids.length > 0) payload.wids = input.wids;
  return signJwt({ typ: 'JWT', alg: 'RS256', kid: ctx.signingKey.kid }, payload, ctx.signingKey.privateKey);
}

export function issueIdToken(
  ctx: SimContext,
  input: {
    issuer: string;
    tenantId: string;
    clientId: string;
    userId: string;
    upn: string;
    name: string;
    nonce: string | null;
    roles: string[];
    wids?: string[];
  },
): string {
  const iat = Math.floor(ctx.now() / 1000);
  const payload: JwtPayload = {
    aud: input.clientId,
    iss: input.issuer,
    iat,
    nbf: iat,
    exp: iat + 3600,
    name: input.name,
    oid: input.userId,
    preferred_username: input.upn,
    email: input.upn,
    sub: crypto.createHash('sha256').update(`${input.userId}:${input.clientId}`).digest('base64url'),
    tid: input.tenantId,
    ver: '2.0',
  };
  if (input.nonce) payload.nonce = input.nonce;
  if (input.roles.length > 0) payload.roles = input.roles;
  if (input.wids && input.wids.length > 0) payload.wids = input.wids;
  return signJwt({ typ: 'JWT', alg: 'RS256', kid: ctx.signingKey.kid }, payload, ctx.signingKey.privateKey);
}

export interface VerifiedGraphToken {
  tenantId: string;
  appId: string;
  /** Service principal object id (app tokens) or user object id. */
  oid: string;
  roles: string[];
  scopes: string[];
  isAppOnly: boolean;
}

export type GraphTokenFailure = { code: 'InvalidAuthenticationToken'; message: string };

/** Checks signature, audience, expiry and shape of a bearer token presented to Graph. */
export function verifyGraphAccessToken(
  ctx: SimContext,
  authorization: string | undefined,
): VerifiedGraphToken | GraphTokenFailure {
  if (!authorization || !/^bearer\s+/i.test(authorization)) {
    return { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' };
  }
  const raw = authorization.replace(/^bearer\s+/i, '').trim();
  if (!raw) return { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' };
  const decoded = decodeJwt(raw);
  if (!decoded) {
    return { code: 'InvalidAuthenticationToken', message: 'IDX14100: JWT is not well formed, there are no dots (.).' };
  }
  if (decoded.header.kid !== ctx.signingKey.kid || !verifyJwtSignature(decoded, ctx.signingKey.publicKey)) {
    return { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid signature.' };
  }
  const p = decoded.payload;
  const resource = graphResourceUri(ctx.config);
  const aud = typeof p.aud === 'string' ? p.aud.replace(/\/$/, '') : '';
  if (aud !== resource && aud !== MICROSOFT_GRAPH_APP_ID) {
    return { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.' };
  }
  const now = Math.floor(ctx.now() / 1000);
  const skew = ctx.config.clockSkewSeconds;
  if (typeof p.exp !== 'number' || typeof p.nbf !== 'number' || now > p.exp + skew || now + skew < p.nbf) {
    return { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' };
  }
  const tid = typeof p.tid === 'string' ? p.tid : '';
  if (typeof p.iss !== 'string' || p.iss !== accessTokenIssuer(ctx.config, tid)) {
    return { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid issuer.' };
  }
  const roles = Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === 'string') : [];
  const scopes = typeof p.scp === 'string' ? p.scp.split(' ').filter(Boolean) : [];
  return {
    tenantId: tid,
    appId: typeof p.appid === 'string' ? p.appid : '',
    oid: typeof p.oid === 'string' ? p.oid : '',
    roles,
    scopes,
    isAppOnly: p.idtyp === 'app',
  };
}
