/**
 * The security report as CSV, one line per connector of the report's population (exposed now,
 * or remediated in the window): its tenant, status, the worst advisory naming it, when exposure
 * began, when it was remediated and how long that took, and the unknown-address sign-ins seen.
 * An async generator of lines (keyset pages), escaped and formula-guarded.
 */
import type { Db } from '@/lib/db';
import { affectedSql } from '@/lib/detection/affected-connectors';
import type { FleetFilters } from '@/lib/fleet/fleet-filters';
import { connectorSql, type FleetScope } from '@/lib/fleet/fleet-scope';
import { csvLine } from '@/lib/csv';
import { remediationsSql, windowStartFor } from '@/lib/reports/get-security-report';
import { EXPOSED_SQL } from '@/lib/reports/report-sql';
import type { UseCaseContext } from '@/lib/use-case';
import { callerFleetScope } from '@/lib/fleet/caller-scope';
import { requireCallerRole } from '@/lib/auth/caller-role';

export const SECURITY_REPORT_COLUMNS = [
  'tenant',
  'entra_tenant_id',
  'region',
  'connector',
  'app_id',
  'status_now',
  'worst_severity',
  'advisories',
  'exposed_since',
  'remediated_at',
  'hours_to_remediate',
  'rotation_id',
  'unknown_sign_ins',
  'last_unknown_sign_in',
  /** "verified at rotation, not rescanned": a customer admin's rotation Rekey has not read since (issue 20). */
  'remediation_evidence',
] as const;

export const VERIFIED_AT_ROTATION = 'verified at rotation, not rescanned';

interface Row {
  connectorId: string;
  tenant: string;
  entraTenantId: string;
  region: string;
  connector: string;
  appId: string;
  status: string;
  severity: string | null;
  advisories: string | null;
  exposedSince: Date | null;
  remediatedAt: Date | null;
  rotationId: string | null;
  unknownSignIns: bigint;
  lastUnknown: Date | null;
  verifiedAtRotation: boolean | null;
}

export async function* exportSecurityReport(
  db: Db,
  scope: FleetScope,
  opts: { now: Date; days?: number; filters?: FleetFilters; pageSize?: number },
): AsyncGenerator<string> {
  const filters = opts.filters ?? {};
  const since = windowStartFor(opts.now, opts.days ?? 30);
  const size = opts.pageSize ?? 1_000;
  yield csvLine(SECURITY_REPORT_COLUMNS);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db.$queryRaw<Row[]>`
      WITH rem AS (${remediationsSql(scope, filters, since, opts.now)}),
      last_rem AS (SELECT DISTINCT ON ("connectorId") * FROM rem ORDER BY "connectorId", "finishedAt" DESC),
      pop AS (
        SELECT c.id FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" WHERE ${connectorSql(scope, filters)} AND c.status IN ${EXPOSED_SQL}
        UNION SELECT "connectorId" FROM rem
      ),
      page AS (SELECT id FROM pop WHERE id > ${after}::uuid ORDER BY id LIMIT ${size}),
      affected AS (${affectedSql(null, scope)}),
      adv AS (
        SELECT af."connectorId", min(CASE a.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END) AS rank,
               string_agg(DISTINCT a.title, '; ') AS titles, min(a."publishedAt") AS published
        FROM affected af JOIN "Advisory" a ON a.id = af."advisoryId" WHERE af."connectorId" IN (SELECT id FROM page) GROUP BY 1
      )
      SELECT c.id AS "connectorId", t."displayName" AS tenant, t."entraTenantId"::text AS "entraTenantId", t.region, c."displayName" AS connector, c."appId",
             c.status::text AS status,
             CASE adv.rank WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'medium' WHEN 3 THEN 'low' END AS severity,
             adv.titles AS advisories,
             COALESCE(lr."exposedSince", adv.published) AS "exposedSince",
             CASE WHEN c.status IN ${EXPOSED_SQL} THEN NULL ELSE lr."finishedAt" END AS "remediatedAt",
             CASE WHEN c.status IN ${EXPOSED_SQL} THEN NULL ELSE lr."rotationId" END AS "rotationId",
             CASE WHEN c.status IN ${EXPOSED_SQL} THEN NULL ELSE lr."verifiedAtRotation" END AS "verifiedAtRotation",
             (SELECT count(*) FROM "SignInEvidence" e WHERE e."connectorId" = c.id AND e.classification = 'unknown') AS "unknownSignIns",
             (SELECT max(e.at) FROM "SignInEvidence" e WHERE e."connectorId" = c.id AND e.classification = 'unknown') AS "lastUnknown"
      FROM page p JOIN "Connector" c ON c.id = p.id JOIN "Tenant" t ON t.id = c."tenantId"
      LEFT JOIN last_rem lr ON lr."connectorId" = c.id LEFT JOIN adv ON adv."connectorId" = c.id
      ORDER BY c.id`;
    for (const r of rows) {
      const hours =
        r.remediatedAt && r.exposedSince
          ? Math.round(((r.remediatedAt.getTime() - r.exposedSince.getTime()) / 3_600_000) * 10) / 10
          : null;
      yield csvLine([
        r.tenant,
        r.entraTenantId,
        r.region,
        r.connector,
        r.appId,
        r.status,
        r.severity,
        r.advisories,
        r.exposedSince,
        r.remediatedAt,
        hours,
        r.rotationId,
        Number(r.unknownSignIns),
        r.lastUnknown,
        r.verifiedAtRotation ? VERIFIED_AT_ROTATION : null,
      ]);
    }
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.connectorId;
  }
}

/** The security report as CSV lines for the caller: the tenants `ctx.principal` may view, at `ctx.now`. */
export function exportSecurityReportFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal' | 'now'>,
  input: { days?: number; filters?: FleetFilters },
): AsyncGenerator<string> {
  requireCallerRole(ctx, 'viewer', 'The security report');
  return exportSecurityReport(ctx.db, callerFleetScope(ctx), { ...input, now: ctx.now });
}
