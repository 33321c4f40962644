import { handleSignIn, withDefaultDeps } from '@/lib/auth/auth-routes';

export const dynamic = 'force-dynamic';

/** Starts sign-in with Microsoft Entra ID (authorization code + PKCE). Rate limited per client. */
export const GET = withDefaultDeps(handleSignIn);
