/**
 * GET /api/health. Without a session: `{ ok }` only (200 when the dashboard and its database
 * answer, 503 otherwise) — for load balancers and `npm start`; it tells strangers nothing else.
 * For a signed-in admin: database latency, worker heartbeats, queue depth, restarts and crash
 * loops from `npm start`'s supervisor, and `problems` in words (lib/ops/health-report.ts).
 */
import { publicRouteContext } from '@/lib/auth/action';
import { healthReport } from '@/lib/ops/health-report';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const { status, body } = await healthReport(await publicRouteContext(request));
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}
