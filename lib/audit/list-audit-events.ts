/**
 * The audit log as the Audit page and its CSV export read it, `(ctx, filter)` (lib/use-case.ts):
 * filters (zod-parsed from search params) and the scope rule — fleet-wide viewers see everything;
 * scoped users see events of tenants in their scope plus their own actions; a trusted caller
 * without a principal sees everything.
 */
import { z } from 'zod';
import { isFleetWide, tenantScopeWhere, type Principal } from '@/lib/auth/principal';
import { csvLine } from '@/lib/csv';
import type { Db, Prisma } from '@/lib/db';
import type { UseCaseContext } from '@/lib/use-case';

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

type Ctx = Pick<UseCaseContext, 'db' | 'principal'>;

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

const scopedWhere = ({ db, principal }: Ctx, f: AuditFilter) =>
  principal ? auditWhere(db, principal, f) : auditWhere(db, TRUSTED, f);

/** A principal that sees every event (for a trusted caller without one). */
const TRUSTED: Principal = {
  userId: '',
  email: '',
  name: 'system',
  roles: [{ role: 'viewer', allTenants: true, tenantIds: [], groups: [] }],
};

/** One page of events, newest first, with the total, and the names of the tenants the caller may filter by. */
export async function listAuditEvents(ctx: Ctx, f: AuditFilter) {
  const where = await scopedWhere(ctx, f);
  const [total, events, tenants] = await Promise.all([
    ctx.db.auditEvent.count({ where }),
    ctx.db.auditEvent.findMany({
      where,
      orderBy: { seq: 'desc' },
      skip: (f.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
    }),
    ctx.db.tenant.findMany({
      where: ctx.principal ? tenantScopeWhere(ctx.principal, 'viewer') : {},
      select: { id: true, displayName: true },
      orderBy: { displayName: 'asc' },
      take: 1000,
    }),
  ]);
  return { total, events, tenants };
}

export const AUDIT_CSV_COLUMNS = [
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

/** The filtered events the caller may see as CSV (header first, newest first, at most AUDIT_EXPORT_LIMIT). */
export async function exportAuditEvents(ctx: Ctx, f: AuditFilter): Promise<string> {
  const where = await scopedWhere(ctx, f);
  const events = await ctx.db.auditEvent.findMany({ where, orderBy: { seq: 'desc' }, take: AUDIT_EXPORT_LIMIT });
  return [csvLine(AUDIT_CSV_COLUMNS), ...events.map((e) => csvLine(AUDIT_CSV_COLUMNS.map((c) => e[c])))].join('');
}
