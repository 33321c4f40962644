import { z } from 'zod';
import { defineRoute } from '@/lib/auth/action';
import { parseFleetFilters } from '@/lib/fleet/fleet-filters';
import { exportSecurityReportFor } from '@/lib/reports/export-security-report';

const Query = z.object({ days: z.coerce.number().int().min(1).max(3650).optional() }).catchall(z.unknown());

/** The security report as CSV (one line per exposed or remediated connector), same filters as the page. */
export const GET = defineRoute({
  name: 'reports.security.export',
  role: 'viewer',
  input: Query,
  handler: async (input, ctx) => {
    const { now } = ctx;
    const filters = parseFleetFilters(input as Record<string, string>);
    const lines = exportSecurityReportFor(ctx, { days: input.days ?? 30, filters });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    const day = now.toISOString().slice(0, 10);
    return new Response(stream, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="rekey-security-report-${day}.csv"`,
        'cache-control': 'no-store',
      },
    });
  },
});
