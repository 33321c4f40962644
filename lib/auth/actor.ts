/** The audit `Actor` of one request: a signed-in principal's, or nobody's on a public route. */
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

/** Nobody signed in (a public route such as GET /api/health): named by the request only. */
export function anonymousActor(headers: Headers, trustProxy: boolean): Actor {
  return {
    id: null,
    label: 'anonymous',
    requestId: requestIdFrom(headers),
    clientIp: clientIpFrom(headers, trustProxy),
  };
}
