import { db } from '@/lib/db';

/** Liveness + database reachability, for load balancers and the start script. No secrets, no auth. */
export async function GET(): Promise<Response> {
  try {
    await db.$queryRaw`SELECT 1`;
    return Response.json({ ok: true, database: 'up' }, { headers: { 'cache-control': 'no-store' } });
  } catch {
    return Response.json({ ok: false, database: 'down' }, { status: 503, headers: { 'cache-control': 'no-store' } });
  }
}
