import { handleSignOut, withDefaultDeps } from '@/lib/auth/auth-routes';

export const dynamic = 'force-dynamic';

/** POST only (a GET link could be triggered by any page); same-origin checked. */
export const POST = withDefaultDeps(handleSignOut);
