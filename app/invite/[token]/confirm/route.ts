import { handleInviteConfirm } from '@/lib/invitations/invite-routes';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  return handleInviteConfirm(request, (await params).token);
}
