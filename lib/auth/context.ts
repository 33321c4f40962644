/**
 * Auth for pages (React Server Components), bound to next/headers. Server actions and route
 * handlers use the wrappers in lib/auth/action.ts instead; both resolve the principal the same
 * way (lib/auth/auth-core.ts).
 */
import { cache } from 'react';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { Actor } from '@/lib/audit/append-audit-event';
import { nextRequestContext } from '@/lib/auth/action';
import { actorFromHeaders } from '@/lib/auth/actor';
import { defaultAuthDeps, resolvePrincipal } from '@/lib/auth/auth-core';
import { hasRole, type Principal, type Role } from '@/lib/auth/principal';
import { env } from '@/lib/env';
import { safeReturnTo } from '@/lib/http/request-context';

export { requireTenantAccess } from '@/lib/auth/tenant-access';

/** The signed-in principal for this request, or null. Memoised per request. */
export const getPrincipal = cache(async (): Promise<Principal | null> => {
  return resolvePrincipal(defaultAuthDeps(), await nextRequestContext());
});

/** The path being rendered, as proxy.ts recorded it (for returnTo / from). */
async function currentPath(): Promise<string> {
  return safeReturnTo((await headers()).get('x-rekey-path'));
}

/**
 * For pages and page data loaders. Not signed in → /auth/sign-in?returnTo=<this page>;
 * signed in without any role → /auth/no-access; role too low → /forbidden?need=<role>.
 */
export async function requirePrincipal(min: Role = 'viewer'): Promise<Principal> {
  const principal = await getPrincipal();
  if (!principal) redirect(`/auth/sign-in?returnTo=${encodeURIComponent(await currentPath())}`);
  if (principal.roles.length === 0) redirect('/auth/no-access');
  if (!hasRole(principal, min)) redirect(`/forbidden?need=${min}&from=${encodeURIComponent(await currentPath())}`);
  return principal;
}

/** The audit actor for `principal` acting through `source` (a route's Request or request Headers). */
export function actorFor(principal: Principal, source: Request | Headers): Actor {
  return actorFromHeaders(principal, source instanceof Request ? source.headers : source, env().REKEY_TRUST_PROXY);
}
