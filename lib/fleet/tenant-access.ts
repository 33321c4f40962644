/**
 * Whether Rekey can see a tenant now — one definition, used by the overview tiles, the tenants
 * list and its filter, the tenant page, the security report and the CLI:
 * - `no_access`: Rekey's consent is missing, partial or failed to check, or its last scan was
 *   refused (a token or Graph error, kept in lastScanError until a scan succeeds);
 * - `not_scanned_recently`: readable as far as Rekey knows, but never scanned, or its last
 *   successful scan is older than the status policy's `maxScanAgeHours`;
 * - `ok`: scanned successfully within the policy.
 * This is a tenant state, distinct from the connector status `stale` (an old certificate). A
 * tenant Rekey cannot read keeps its connectors' last known statuses: an exposed connector stays
 * counted exposed until a successful scan (or a verified rotation) proves otherwise.
 */
import { Prisma, queryRows, type Db } from '@/lib/db';
import { loadDetectionSettings } from '@/lib/detection/detection-settings';
import { TENANT_ACCESS_VALUES, type TenantAccess } from '@/lib/fleet/statuses';
import type { UseCaseContext } from '@/lib/use-case';
import { requireCallerRole } from '@/lib/auth/caller-role';

export { TENANT_ACCESS_VALUES, type TenantAccess };

/** Consent states in which Rekey cannot read the tenant (Prisma enum ConsentState). */
export const NO_ACCESS_CONSENT = ['not_consented', 'missing_permissions', 'error'] as const;

export const TENANT_ACCESS_LABEL: Record<TenantAccess, string> = {
  no_access: 'No access',
  not_scanned_recently: 'Not scanned recently',
  ok: 'Readable',
};

export interface TenantAccessInput {
  consentState: string;
  consentDetail?: string | null;
  lastScanAt: Date | null;
  lastScanError: string | null;
}

/** The tenant's access state and, unless ok, the reason in one sentence. */
export function tenantAccess(
  t: TenantAccessInput,
  now: Date,
  maxScanAgeHours: number,
): { access: TenantAccess; reason: string | null } {
  if ((NO_ACCESS_CONSENT as readonly string[]).includes(t.consentState)) {
    const what =
      t.consentState === 'not_consented'
        ? 'Rekey is not consented in this tenant'
        : t.consentState === 'missing_permissions'
          ? 'Rekey’s consent lacks required permissions'
          : 'The consent check failed';
    return { access: 'no_access', reason: t.consentDetail ? `${what}: ${t.consentDetail}` : `${what}.` };
  }
  if (t.lastScanError) return { access: 'no_access', reason: `The last scan failed: ${t.lastScanError}` };
  if (!t.lastScanAt) return { access: 'not_scanned_recently', reason: 'Never scanned.' };
  if (now.getTime() - t.lastScanAt.getTime() > maxScanAgeHours * 3_600_000)
    return {
      access: 'not_scanned_recently',
      reason: `Last successful scan ${t.lastScanAt.toISOString()}, older than the policy’s ${maxScanAgeHours} h.`,
    };
  return { access: 'ok', reason: null };
}

/**
 * The rule's two conditions as SQL on alias `t` (Tenant). The consent state is compared as the
 * enum it is (no cast), so the consentState index serves it; the lastScanError partial index and
 * the lastScanAt index serve the rest (countTenantAccess reads only tenants that match either).
 */
function noAccessSql(): Prisma.Sql {
  const bad = Prisma.raw(NO_ACCESS_CONSENT.map((s) => `'${s}'`).join(', '));
  return Prisma.sql`(t."consentState" IN (${bad}) OR t."lastScanError" IS NOT NULL)`;
}
function scanTooOldSql(now: Date, maxScanAgeHours: number): Prisma.Sql {
  const oldest = new Date(now.getTime() - maxScanAgeHours * 3_600_000);
  return Prisma.sql`(t."lastScanAt" IS NULL OR t."lastScanAt" < ${oldest})`;
}

/** The same rule as SQL on alias `t` (Tenant), yielding 'no_access' | 'not_scanned_recently' | 'ok'. */
export function tenantAccessSql(now: Date, maxScanAgeHours: number): Prisma.Sql {
  return Prisma.sql`(CASE
    WHEN ${noAccessSql()} THEN 'no_access'
    WHEN ${scanTooOldSql(now, maxScanAgeHours)} THEN 'not_scanned_recently'
    ELSE 'ok' END)`;
}

/** The status policy's maximum scan age (hours). */
export async function loadMaxScanAgeHours(db: Db): Promise<number> {
  return (await loadDetectionSettings(db)).policy.maxScanAgeHours;
}

export interface TenantAccessCounts {
  noAccess: number;
  notScannedRecently: number;
  /** Connectors last known exposed (targeted / compromised) in tenants Rekey cannot read now. */
  exposedUnreadable: number;
}

/**
 * Tenants per access state and the exposed connectors Rekey cannot re-check, for a scope condition
 * on `t`, as one row (`noAccess`, `notScanned`, `exposed`): a sub-select other reads embed
 * (the overview reads all its figures in one statement). Only the tenants that are not `ok` are
 * read: each part of the rule has an index (consentState, the partial index of tenants with a
 * lastScanError, lastScanAt), so a healthy fleet of 10,000 costs a few index pages instead of
 * every tenant and its summary row.
 */
export function tenantAccessCountsSql(tWhere: Prisma.Sql, now: Date, maxScanAgeHours: number): Prisma.Sql {
  const noAccess = noAccessSql();
  return Prisma.sql`
    SELECT count(*) FILTER (WHERE x."noAccess")::int AS "noAccess",
           count(*) FILTER (WHERE NOT x."noAccess")::int AS "notScanned",
           coalesce(sum(coalesce(s.targeted, 0) + coalesce(s.compromised, 0)), 0)::int AS exposed
    FROM (SELECT t.id, ${noAccess} AS "noAccess" FROM "Tenant" t
          WHERE (${noAccess} OR ${scanTooOldSql(now, maxScanAgeHours)}) AND ${tWhere}) x
    LEFT JOIN "TenantConnectorSummary" s ON s."tenantId" = x.id`;
}

/** A row of tenantAccessCountsSql as the counts callers show. */
export function tenantAccessCounts(
  row: { noAccess: number; notScanned: number; exposed: number } | null | undefined,
): TenantAccessCounts {
  return {
    noAccess: row?.noAccess ?? 0,
    notScannedRecently: row?.notScanned ?? 0,
    exposedUnreadable: row?.exposed ?? 0,
  };
}

/** tenantAccessCountsSql on its own. */
export async function countTenantAccess(
  db: Db,
  tWhere: Prisma.Sql,
  now: Date,
  maxScanAgeHours: number,
): Promise<TenantAccessCounts> {
  const [row] = await queryRows<{ noAccess: number; notScanned: number; exposed: number }>(
    db,
    tenantAccessCountsSql(tWhere, now, maxScanAgeHours),
  );
  return tenantAccessCounts(row);
}

/** The status policy's maximum scan age (hours): a fleet-wide setting any viewer's pages show. */
export async function getMaxScanAgeHours(ctx: Pick<UseCaseContext, 'db' | 'principal'>): Promise<number> {
  requireCallerRole(ctx, 'viewer', 'The status policy');
  return loadMaxScanAgeHours(ctx.db);
}
