import { handleCallback, withDefaultDeps } from '@/lib/auth/auth-routes';

export const dynamic = 'force-dynamic';

/** The redirect URI registered for the management app: `<REKEY_PUBLIC_URL>/auth/callback`. */
export const GET = withDefaultDeps(handleCallback);
