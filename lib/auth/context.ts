/**
 * Auth for pages (React Server Components), bound to next/headers. Server actions and route
 * handlers use the wrappers in lib/auth/action.ts instead; both resolve the principal the same
 * way (lib/auth/auth-core.ts).
 */
import { cache } from 'react';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { nextRequestContext, type ActionContext } from '@/lib/auth/action';
import { actorFromHeaders } from '@/lib/auth/actor';
import { defaultAuthDeps, resolvePrincipal } from '@/lib/auth/auth-core';
import { hasRole, type Principal, type Role } from '@/lib/auth/principal';
import { env } from '@/lib/env';
import { safeReturnTo } from '@/lib/http/request-context';
import { webRuntime } from '@/lib/runtime/web-runtime';

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

/**
 * The use-case context (lib/use-case.ts) for a page: `requirePrincipal(min)` (redirects as it does),
 * the audit actor from this request's headers, and `now` = the time of the render. Pages pass it to
 * lib use cases and queries; they never import the database or Graph themselves.
 */
export async function pageContext(min: Role = 'viewer'): Promise<ActionContext> {
  return contextFor(await requirePrincipal(min));
}

/**
 * The page context when someone is signed in, else null, without redirecting: for what renders on
 * every page whoever is looking (the dashboard shell's banners, app/(dashboard)/layout.tsx).
 */
export async function optionalPageContext(): Promise<ActionContext | null> {
  const principal = await getPrincipal();
  return principal ? contextFor(principal) : null;
}

async function contextFor(principal: Principal): Promise<ActionContext> {
  const actor = actorFromHeaders(principal, await headers(), env().REKEY_TRUST_PROXY);
  return { ...webRuntime(), principal, actor, now: new Date() };
}
