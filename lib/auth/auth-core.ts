/**
 * The request → principal step shared by pages, server actions and route handlers, with its
 * dependencies passed in (`AuthDeps`) so tests drive it with a real database and a fabricated
 * request instead of mocking Next. `defaultAuthDeps()` binds it to the environment.
 */
import { db as defaultDb, type Db } from '@/lib/db';
import { defaultPublicUrl, env } from '@/lib/env';
import { cookieKey } from '@/lib/auth/session-secret';
import {
  readSession,
  sessionCookieName,
  sessionPolicyFrom,
  type SessionEnd,
  type SessionPolicy,
} from '@/lib/auth/session';
import type { Principal } from '@/lib/auth/principal';
import { isSecureContext, type OriginPolicy, type RequestContext } from '@/lib/http/request-context';

export interface AuthDeps {
  db: Db;
  cookieKey: Buffer;
  policy: SessionPolicy;
  origin: OriginPolicy;
  now(): Date;
  /** Where unexpected errors go (already redacted). Defaults to console.error. */
  logError?(message: string): void;
}

export function defaultAuthDeps(): AuthDeps {
  const e = env();
  return {
    db: defaultDb,
    cookieKey: cookieKey(),
    policy: sessionPolicyFrom(e),
    origin: {
      publicUrl: e.REKEY_PUBLIC_URL,
      trustProxy: e.REKEY_TRUST_PROXY,
      defaultUrl: defaultPublicUrl(e),
    },
    now: () => new Date(),
  };
}

export function sessionCookieNameFor(deps: Pick<AuthDeps, 'origin'>, req: RequestContext): string {
  return sessionCookieName(isSecureContext(req.headers, deps.origin));
}

export async function resolveSession(
  deps: AuthDeps,
  req: RequestContext,
  opts: { touch?: boolean } = {},
): Promise<{ principal: Principal | null; reason: SessionEnd | 'ok'; sessionId?: string }> {
  const value = req.cookie(sessionCookieNameFor(deps, req));
  const r = await readSession(deps.db, deps.cookieKey, value, {
    now: deps.now(),
    policy: deps.policy,
    touch: opts.touch,
  });
  return r.ok
    ? { principal: r.session.principal, reason: 'ok', sessionId: r.session.sessionId }
    : { principal: null, reason: r.reason };
}

export async function resolvePrincipal(deps: AuthDeps, req: RequestContext): Promise<Principal | null> {
  return (await resolveSession(deps, req)).principal;
}
