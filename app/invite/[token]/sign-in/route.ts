import { handleInviteSignIn } from '@/lib/invitations/invite-routes';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  return handleInviteSignIn(request, (await params).token);
}
