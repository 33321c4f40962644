import { handleInviteCallback } from '@/lib/invitations/invite-routes';

export const dynamic = 'force-dynamic';

/** The redirect URI registered for the delegated-rotation app: `<REKEY_PUBLIC_URL>/invite/callback`. */
export async function GET(request: Request): Promise<Response> {
  return handleInviteCallback(request);
}
