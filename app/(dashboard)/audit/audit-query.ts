/**
 * The Audit page's query, shared with its CSV export: filters (zod-parsed from search params)
 * and the scope rule — fleet-wide viewers see everything; scoped users see events of tenants in
 * their scope plus their own actions.
 */
import { z } from 'zod';
import type { Db, Prisma } from '@/lib/db';
import { isFleetWide, tenantScopeWhere, type Principal } from '@/lib/auth/principal';

const optionalText = (max: number) =>
  z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.string().trim().max(max).optional());
const optionalDate = z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.iso.date().optional());

export const AuditFilterSchema = z.object({
  action: optionalText(100),
  actor: optionalText(320),
  tenant: z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.uuid().optional()),
  from: optionalDate,
  to: optionalDate,
  page: z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v) || undefined,
    z.coerce.number().int().min(1).max(100_000).default(1),
  ),
});
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_EXPORT_LIMIT = 50_000;

export async function auditWhere(db: Db, principal: Principal, f: AuditFilter): Promise<Prisma.AuditEventWhereInput> {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (!isFleetWide(principal, 'viewer')) {
    const tenants = await db.tenant.findMany({ where: tenantScopeWhere(principal, 'viewer'), select: { id: true } });
    and.push({ OR: [{ tenantId: { in: tenants.map((t) => t.id) } }, { actorId: principal.userId }] });
  }
  if (f.action)
    and.push(
      f.action.endsWith('.') || f.action.endsWith('*')
        ? { action: { startsWith: f.action.replace(/\*$/, '') } }
        : { action: f.action },
    );
  if (f.actor) and.push({ actorLabel: { contains: f.actor, mode: 'insensitive' } });
  if (f.tenant) and.push({ tenantId: f.tenant });
  if (f.from) and.push({ at: { gte: new Date(`${f.from}T00:00:00.000Z`) } });
  if (f.to) and.push({ at: { lt: new Date(new Date(`${f.to}T00:00:00.000Z`).getTime() + 86_400_000) } });
  return and.length > 0 ? { AND: and } : {};
}

export async function listAuditEvents(db: Db, principal: Principal, f: AuditFilter) {
  const where = await auditWhere(db, principal, f);
  const [total, events] = await Promise.all([
    db.auditEvent.count({ where }),
    db.auditEvent.findMany({
      where,
      orderBy: { seq: 'desc' },
      skip: (f.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
    }),
  ]);
  return { total, events };
}

/** Keys whose value differs between before and after (top level), for the diff view. */
export function changedKeys(before: unknown, after: unknown): { key: string; before: unknown; after: unknown }[] {
  const obj = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : v === null || v === undefined
        ? {}
        : { value: v };
  const b = obj(before);
  const a = obj(after);
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .sort()
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({ key: k, before: b[k], after: a[k] }));
}

/** One CSV cell: quoted, and neutralised against spreadsheet formula injection. */
export function csvCell(v: unknown): string {
  let s =
    v === null || v === undefined
      ? ''
      : typeof v === 'string'
        ? v
        : v instanceof Date
          ? v.toISOString()
          : typeof v === 'bigint'
            ? v.toString()
            : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}
