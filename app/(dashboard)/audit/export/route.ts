import { defineRoute } from '@/lib/auth/action';
import { AuditFilterSchema, exportAuditEvents } from '@/lib/audit/list-audit-events';

export const dynamic = 'force-dynamic';

/** GET /audit/export?action&actor&tenant&from&to — CSV of the filtered events the caller may see (newest first, at most 50,000). */
export const GET = defineRoute({
  name: 'audit.export',
  role: 'viewer',
  input: AuditFilterSchema,
  handler: async (filter, ctx) => {
    const name = `rekey-audit-${ctx.now.toISOString().slice(0, 10)}.csv`;
    return new Response(await exportAuditEvents(ctx, filter), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  },
});
