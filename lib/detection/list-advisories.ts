/**
 * The advisories page: every advisory, newest first, with how many connectors and tenants it
 * affects (within the tenant scope of `ctx.principal`; everything for a trusted caller) and how many
 * of those are still exposed. A read `(ctx)` (lib/use-case.ts).
 */
import { affectedSql, scopeOf } from '@/lib/detection/affected-connectors';
import type { Severity } from '@/lib/detection/parse-advisory';
import { EXPOSED_SQL } from '@/lib/fleet/fleet-figures';
import { callerOf, type UseCaseContext } from '@/lib/use-case';

export interface AdvisorySummary {
  id: string;
  title: string;
  severity: Severity;
  publishedAt: Date;
  compromiseStart: Date | null;
  compromiseEnd: Date | null;
  source: string;
  createdAt: Date;
  indicatorCount: number;
  affectedConnectors: number;
  affectedTenants: number;
  /** Affected connectors whose status is targeted or compromised. */
  exposedConnectors: number;
}

export async function listAdvisories(ctx: Pick<UseCaseContext, 'db' | 'principal'>): Promise<AdvisorySummary[]> {
  const rows = await ctx.db.$queryRaw<
    (Omit<AdvisorySummary, 'indicatorCount' | 'affectedConnectors' | 'affectedTenants' | 'exposedConnectors'> & {
      indicatorCount: bigint;
      affectedConnectors: bigint;
      affectedTenants: bigint;
      exposedConnectors: bigint;
    })[]
  >`
    WITH affected AS (${affectedSql(null, scopeOf(callerOf(ctx)))})
    SELECT a.id, a.title, a.severity::text AS severity, a."publishedAt", a."compromiseStart", a."compromiseEnd", a.source, a."createdAt",
      (SELECT count(*) FROM "AdvisoryIndicator" i WHERE i."advisoryId" = a.id) AS "indicatorCount",
      (SELECT count(*) FROM affected f WHERE f."advisoryId" = a.id) AS "affectedConnectors",
      (SELECT count(DISTINCT f."tenantId") FROM affected f WHERE f."advisoryId" = a.id) AS "affectedTenants",
      (SELECT count(*) FROM affected f JOIN "Connector" c ON c.id = f."connectorId" WHERE f."advisoryId" = a.id AND c.status IN ${EXPOSED_SQL}) AS "exposedConnectors"
    FROM "Advisory" a
    ORDER BY a."publishedAt" DESC, a."createdAt" DESC`;
  return rows.map((r) => ({
    ...r,
    indicatorCount: Number(r.indicatorCount),
    affectedConnectors: Number(r.affectedConnectors),
    affectedTenants: Number(r.affectedTenants),
    exposedConnectors: Number(r.exposedConnectors),
  }));
}
