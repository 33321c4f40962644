import { defineRoute } from '@/lib/auth/action';
import { db } from '@/lib/db';
import { AUDIT_EXPORT_LIMIT, AuditFilterSchema, auditWhere, csvCell } from '../audit-query';

export const dynamic = 'force-dynamic';

const COLUMNS = [
  'seq',
  'at',
  'actorLabel',
  'actorId',
  'action',
  'targetType',
  'targetId',
  'tenantId',
  'requestId',
  'clientIp',
  'before',
  'after',
  'prevHash',
  'hash',
] as const;

/** GET /audit/export?action&actor&tenant&from&to — CSV of the filtered events the caller may see (newest first, at most 50,000). */
export const GET = defineRoute({
  name: 'audit.export',
  role: 'viewer',
  input: AuditFilterSchema,
  handler: async (filter, { principal, now }) => {
    const where = await auditWhere(db, principal, filter);
    const events = await db.auditEvent.findMany({ where, orderBy: { seq: 'desc' }, take: AUDIT_EXPORT_LIMIT });
    const lines = [COLUMNS.join(',')];
    for (const e of events) lines.push(COLUMNS.map((c) => csvCell(e[c])).join(','));
    const name = `rekey-audit-${now.toISOString().slice(0, 10)}.csv`;
    return new Response(`${lines.join('\r\n')}\r\n`, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  },
});
