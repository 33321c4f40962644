/** The audit `Actor` for a signed-in principal acting through one request. */
import type { Actor } from '@/lib/audit/append-audit-event';
import type { Principal } from '@/lib/auth/principal';
import { clientIpFrom, requestIdFrom } from '@/lib/http/request-context';

export function actorFromHeaders(
  principal: Pick<Principal, 'userId' | 'email'>,
  headers: Headers,
  trustProxy: boolean,
): Actor {
  return {
    id: principal.userId,
    label: principal.email,
    requestId: requestIdFrom(headers),
    clientIp: clientIpFrom(headers, trustProxy),
  };
}
