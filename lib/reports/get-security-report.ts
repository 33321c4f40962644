/**
 * The security lead's report (data layer; the printable page renders it). All aggregates run in
 * PostgreSQL, scoped to what the principal may see (FleetScope) and the usual fleet filters.
 *
 * Definitions (what each number means, so the page can say it):
 * - Population: connectors that are exposed now (targeted / compromised) or were remediated in
 *   the window — a SUCCEEDED rotation that started from an exposed status finished in it.
 * - Rotated share on day d: population connectors remediated by the end of d and not exposed
 *   now, over the population. (A connector exposed again after a remediation counts as
 *   outstanding throughout: its remediation did not last.)
 * - Time to remediate: from the earliest publishedAt of an advisory naming the rotation's old
 *   certificate (or, when none does or it came later, the rotation's start) to its finish.
 * - Outstanding by severity: exposed connectors under the worst advisory that names their
 *   certificate or a credential seen in their tenant; "unattributed" when none does.
 * - Targeted tenants: tenants with sign-ins classified `unknown` (credential used from outside
 *   the vendor's known addresses), with the evidence summarised.
 */
import { Prisma, type Db } from '@/lib/db';
import { shareOf } from '@/lib/utils';
import { affectedSql } from '@/lib/detection/affected-connectors';
import type { FleetFilters } from '@/lib/fleet/fleet-filters';
import { connectorSql, tenantSql, type FleetScope } from '@/lib/fleet/fleet-scope';
import { countTenantAccess, loadMaxScanAgeHours } from '@/lib/fleet/tenant-access';
import { EXPOSED_SQL, TTR_BUCKETS, advisoryPublishedLateral } from '@/lib/reports/report-sql';
import { callerFleetScope } from '@/lib/fleet/caller-scope';
import type { UseCaseContext } from '@/lib/use-case';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type SeverityOrNone = (typeof SEVERITIES)[number] | 'unattributed';

export interface SecurityReportOptions {
  now: Date;
  /** Window in days (default 30). */
  days?: number;
  filters?: FleetFilters;
}

export interface SecurityReport {
  generatedAt: Date;
  windowStart: Date;
  summary: {
    population: number;
    exposedNow: number;
    remediated: number;
    /** Ratio 0–1 (format with formatPercent). */
    rotatedShare: number;
    targetedTenants: number;
    /** Tenants Rekey cannot read now, and those not scanned within the policy (lib/fleet/tenant-access.ts). */
    noAccessTenants: number;
    notScannedRecentlyTenants: number;
    /** Of exposedNow: connectors last known exposed in those tenants (not re-checked). */
    exposedUnreadable: number;
    /**
     * Of remediated: connections a customer's admin rotated through an invitation that Rekey has not
     * read since ("verified at rotation, not rescanned" — Rekey holds no standing access there).
     */
    verifiedAtRotation: number;
    maxScanAgeHours: number;
    medianHoursToRemediate: number | null;
    p90HoursToRemediate: number | null;
  };
  /** share: ratio 0–1. */
  rotatedShareByDay: { day: string; remediated: number; population: number; share: number }[];
  timeToRemediate: {
    buckets: { label: string; fromHours: number; toHours: number | null; count: number }[];
    count: number;
    medianHours: number | null;
    p90Hours: number | null;
  };
  outstandingBySeverity: { severity: SeverityOrNone; connectors: number; targeted: number; tenants: number }[];
  targetedTenants: {
    tenantId: string;
    tenantName: string;
    region: string;
    signIns: number;
    successfulSignIns: number;
    connectors: number;
    ipAddresses: string[];
    firstAt: Date;
    lastAt: Date;
  }[];
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);
const round1 = (x: number) => Math.round(x * 10) / 10;
const DAY = 86_400_000;

/** Start of the UTC day `days` before `now`'s day. */
export function windowStartFor(now: Date, days: number): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return new Date(d.getTime() - days * DAY);
}

/** CTE: remediating rotations in the window (scope + filters), with their exposure start. */
export function remediationsSql(scope: FleetScope, filters: FleetFilters, since: Date, now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT r.id AS "rotationId", r."connectorId", r."finishedAt", c.status AS "statusNow",
           -- A customer admin's delegated rotation (issue 20) whose connection no scan has read since:
           -- remediated on the evidence of the rotation's own reads and token tests.
           (r."stepActor" IS NOT NULL AND (c."observedAt" IS NULL OR c."observedAt" <= r."finishedAt")) AS "verifiedAtRotation",
           CASE WHEN adv.published IS NOT NULL AND adv.published <= r."finishedAt" THEN adv.published ELSE COALESCE(r."startedAt", r."createdAt") END AS "exposedSince"
    FROM "Rotation" r
    JOIN "Connector" c ON c.id = r."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
    LEFT JOIN "Certificate" fc ON fc.id = r."fromCertificateId"
    ${advisoryPublishedLateral('fc')}
    WHERE r.state = 'SUCCEEDED' AND r."startStatus" IN ${EXPOSED_SQL} AND r."finishedAt" >= ${since} AND r."finishedAt" <= ${now}
      AND ${connectorSql(scope, filters)}`;
}

export async function getSecurityReport(
  db: Db,
  scope: FleetScope,
  opts: SecurityReportOptions,
): Promise<SecurityReport> {
  const now = opts.now;
  const days = opts.days ?? 30;
  const filters = opts.filters ?? {};
  const since = windowStartFor(now, days);
  const cWhere = connectorSql(scope, filters);
  const rem = remediationsSql(scope, filters, since, now);
  const maxScanAgeHours = await loadMaxScanAgeHours(db);

  const [popRows, dayRows, ttrRows, ttrStats, sevRows, targetedRows, access, verifiedRows] = await Promise.all([
    db.$queryRaw<{ population: bigint; exposed: bigint }[]>`
      WITH rem AS (${rem}),
      pop AS (
        SELECT c.id, c.status FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" WHERE ${cWhere} AND c.status IN ${EXPOSED_SQL}
        UNION SELECT rem."connectorId", rem."statusNow" FROM rem
      )
      SELECT count(*) AS population, count(*) FILTER (WHERE status IN ${EXPOSED_SQL}) AS exposed FROM pop`,
    db.$queryRaw<{ day: string; n: bigint }[]>`
      WITH rem AS (${rem}),
      firsts AS (SELECT "connectorId", min("finishedAt") AS at FROM rem WHERE "statusNow" NOT IN ${EXPOSED_SQL} GROUP BY 1)
      SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n FROM firsts GROUP BY 1`,
    db.$queryRaw<{ bucket: number; n: bigint }[]>`
      WITH rem AS (${rem}),
      h AS (SELECT extract(epoch FROM ("finishedAt" - "exposedSince")) / 3600.0 AS hours FROM rem)
      SELECT CASE ${Prisma.join(
        TTR_BUCKETS.map((b, i) =>
          b.toHours === null ? Prisma.sql`WHEN TRUE THEN ${i}` : Prisma.sql`WHEN hours < ${b.toHours} THEN ${i}`,
        ),
        ' ',
      )} END::int AS bucket, count(*) AS n
      FROM h GROUP BY 1`,
    db.$queryRaw<{ n: bigint; median: number | null; p90: number | null }[]>`
      WITH rem AS (${rem}),
      h AS (SELECT extract(epoch FROM ("finishedAt" - "exposedSince")) / 3600.0 AS hours FROM rem)
      SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY hours)::float8 AS median, percentile_cont(0.9) WITHIN GROUP (ORDER BY hours)::float8 AS p90 FROM h`,
    db.$queryRaw<{ severity: string; connectors: bigint; targeted: bigint; tenants: bigint }[]>`
      WITH affected AS (${affectedSql(null, scope)}),
      worst AS (
        SELECT af."connectorId", min(CASE a.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END) AS rank
        FROM affected af JOIN "Advisory" a ON a.id = af."advisoryId" GROUP BY 1
      )
      SELECT CASE w.rank WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'medium' WHEN 3 THEN 'low' ELSE 'unattributed' END AS severity,
             count(*) AS connectors, count(*) FILTER (WHERE c.status = 'targeted') AS targeted, count(DISTINCT c."tenantId") AS tenants
      FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" LEFT JOIN worst w ON w."connectorId" = c.id
      WHERE ${cWhere} AND c.status IN ${EXPOSED_SQL}
      GROUP BY 1`,
    db.$queryRaw<
      {
        tenantId: string;
        tenantName: string;
        region: string;
        signIns: bigint;
        successful: bigint;
        connectors: bigint;
        ips: string[];
        firstAt: Date;
        lastAt: Date;
      }[]
    >`
      SELECT t.id AS "tenantId", t."displayName" AS "tenantName", t.region, count(*) AS "signIns", count(*) FILTER (WHERE e."errorCode" = 0) AS successful,
             count(DISTINCT e."connectorId") AS connectors, (array_agg(DISTINCT e."ipAddress" ORDER BY e."ipAddress"))[1:10] AS ips,
             min(e.at) AS "firstAt", max(e.at) AS "lastAt"
      FROM "SignInEvidence" e JOIN "Tenant" t ON t.id = e."tenantId"
      WHERE e.classification = 'unknown' AND ${tenantSql(scope, filters)}
      GROUP BY t.id, t."displayName", t.region ORDER BY max(e.at) DESC, t."displayName"`,
    countTenantAccess(db, tenantSql(scope, filters), now, maxScanAgeHours),
    db.$queryRaw<{ n: bigint }[]>`
      WITH rem AS (${rem}),
      last AS (SELECT DISTINCT ON ("connectorId") * FROM rem ORDER BY "connectorId", "finishedAt" DESC)
      SELECT count(*) AS n FROM last WHERE "statusNow" NOT IN ${EXPOSED_SQL} AND "verifiedAtRotation"`,
  ]);

  const population = n(popRows[0]?.population);
  const exposedNow = n(popRows[0]?.exposed);
  const byDay = new Map(dayRows.map((r) => [r.day, n(r.n)]));
  const rotatedShareByDay: SecurityReport['rotatedShareByDay'] = [];
  let cumulative = 0;
  for (let i = 0; i <= days; i++) {
    const day = new Date(since.getTime() + i * DAY).toISOString().slice(0, 10);
    cumulative += byDay.get(day) ?? 0;
    rotatedShareByDay.push({
      day,
      remediated: cumulative,
      population,
      share: shareOf(cumulative, population),
    });
  }
  const buckets = TTR_BUCKETS.map((b, i) => ({
    label: b.label,
    fromHours: b.fromHours,
    toHours: b.toHours,
    count: n(ttrRows.find((r) => r.bucket === i)?.n),
  }));
  const stats = ttrStats[0];
  const medianHours = stats?.median == null ? null : round1(stats.median);
  const p90Hours = stats?.p90 == null ? null : round1(stats.p90);
  const outstandingBySeverity = ([...SEVERITIES, 'unattributed'] as const).map((severity) => {
    const r = sevRows.find((x) => x.severity === severity);
    return { severity, connectors: n(r?.connectors), targeted: n(r?.targeted), tenants: n(r?.tenants) };
  });
  return {
    generatedAt: now,
    windowStart: since,
    summary: {
      population,
      exposedNow,
      remediated: population - exposedNow,
      rotatedShare: shareOf(population - exposedNow, population),
      targetedTenants: targetedRows.length,
      noAccessTenants: access.noAccess,
      notScannedRecentlyTenants: access.notScannedRecently,
      exposedUnreadable: access.exposedUnreadable,
      verifiedAtRotation: n(verifiedRows[0]?.n),
      maxScanAgeHours,
      medianHoursToRemediate: medianHours,
      p90HoursToRemediate: p90Hours,
    },
    rotatedShareByDay,
    timeToRemediate: { buckets, count: n(stats?.n), medianHours, p90Hours },
    outstandingBySeverity,
    targetedTenants: targetedRows.map((r) => ({
      tenantId: r.tenantId,
      tenantName: r.tenantName,
      region: r.region,
      signIns: n(r.signIns),
      successfulSignIns: n(r.successful),
      connectors: n(r.connectors),
      ipAddresses: r.ips ?? [],
      firstAt: r.firstAt,
      lastAt: r.lastAt,
    })),
  };
}

/** The security report for the caller (lib/use-case.ts) at `ctx.now`: the tenants `ctx.principal` may view. */
export function getSecurityReportFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal' | 'now'>,
  input: Omit<SecurityReportOptions, 'now'>,
): Promise<SecurityReport> {
  return getSecurityReport(ctx.db, callerFleetScope(ctx), { ...input, now: ctx.now });
}
