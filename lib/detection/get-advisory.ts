/**
 * One advisory's page: its facts and indicators, the connectors it affects (paginated, worst
 * status first, within the viewer's scope), and remediation progress. `listAffectedConnectorIds`
 * gives the full selection for "create remediation campaign". Reads `(ctx, input)` (lib/use-case.ts),
 * scoped to `ctx.principal` (everything for a trusted caller).
 */
import { Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { affectedSql, scopeOf } from '@/lib/detection/affected-connectors';
import type { IndicatorKind, Severity } from '@/lib/detection/parse-advisory';
import { ACTIVE_ROTATION_STATES, type ConnectorStatusValue } from '@/lib/fleet/statuses';
import { tenantSql } from '@/lib/fleet/fleet-scope';
import { EXPOSED_SQL } from '@/lib/fleet/fleet-figures';
import { callerOf, type UseCaseContext } from '@/lib/use-case';

export interface AffectedConnector {
  connectorId: string;
  displayName: string;
  appId: string;
  tenantId: string;
  tenantName: string;
  status: ConnectorStatusValue;
  statusAt: Date;
  /** 'current certificate' and/or 'credential in tenant'. */
  matchedBy: string[];
  activeRotationId: string | null;
}

export interface AdvisoryDetail {
  id: string;
  title: string;
  severity: Severity;
  publishedAt: Date;
  compromiseStart: Date | null;
  compromiseEnd: Date | null;
  guidance: string;
  source: string;
  createdAt: Date;
  indicators: { kind: IndicatorKind; value: string; issuer: string | null }[];
  affected: { total: number; tenants: number; page: number; pageSize: number; items: AffectedConnector[] };
  progress: {
    /** Affected connectors still targeted or compromised. */
    stillExposed: number;
    /** Connectors whose rotation away from a named certificate succeeded. */
    remediated: number;
    /** Affected connectors with a rotation under way. */
    rotationsInFlight: number;
  };
}

type ReadContext = Pick<UseCaseContext, 'db' | 'principal'>;

export async function getAdvisory(
  ctx: ReadContext,
  input: { advisoryId: string; page?: number; pageSize?: number },
): Promise<AdvisoryDetail> {
  const { db } = ctx;
  const { advisoryId: id } = input;
  const page = Math.max(1, Math.floor(input.page ?? 1));
  const pageSize = Math.min(500, Math.max(1, Math.floor(input.pageSize ?? 50)));
  const advisory = /^[0-9a-f-]{36}$/i.test(id)
    ? await db.advisory.findUnique({
        where: { id },
        include: {
          indicators: {
            select: { kind: true, value: true, issuer: true },
            orderBy: [{ kind: 'asc' }, { value: 'asc' }],
          },
        },
      })
    : null;
  if (!advisory) throw new RekeyError('NOT_FOUND', 'Advisory not found.', { advisoryId: id.slice(0, 64) });
  const scope = scopeOf(callerOf(ctx));
  const affected = affectedSql([id], scope);
  const active = [...ACTIVE_ROTATION_STATES];
  const [items, counts, remediated] = await Promise.all([
    db.$queryRaw<AffectedConnector[]>`
      WITH affected AS (${affected})
      SELECT c.id AS "connectorId", c."displayName", c."appId", t.id AS "tenantId", t."displayName" AS "tenantName", c.status::text AS status, c."statusAt", f."matchedBy",
        (SELECT r.id FROM "Rotation" r WHERE r."connectorId" = c.id AND r.state::text = ANY(${active}::text[]) LIMIT 1) AS "activeRotationId"
      FROM affected f JOIN "Connector" c ON c.id = f."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
      ORDER BY c.status, t."displayName", c."displayName", c.id
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    db.$queryRaw<{ total: bigint; tenants: bigint; exposed: bigint; inflight: bigint }[]>`
      WITH affected AS (${affected})
      SELECT count(*) AS total, count(DISTINCT f."tenantId") AS tenants,
        count(*) FILTER (WHERE c.status IN ${EXPOSED_SQL}) AS exposed,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "Rotation" r WHERE r."connectorId" = c.id AND r.state::text = ANY(${active}::text[]))) AS inflight
      FROM affected f JOIN "Connector" c ON c.id = f."connectorId"`,
    db.$queryRaw<{ n: bigint }[]>`
      SELECT count(DISTINCT r."connectorId") AS n
      FROM "Rotation" r
      JOIN "Certificate" cert ON cert.id = r."fromCertificateId"
      JOIN "Connector" c ON c.id = r."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
      WHERE r.state = 'SUCCEEDED' AND ${tenantSql(scope, {})} AND EXISTS (
        SELECT 1 FROM "AdvisoryIndicator" i WHERE i."advisoryId" = ${id}::uuid AND (
          (i.kind = 'sha1' AND upper(i.value) = upper(cert."sha1Thumbprint")) OR (i.kind = 'sha256' AND upper(i.value) = upper(cert."sha256Thumbprint"))
          OR (i.kind = 'serial' AND ltrim(upper(i.value), '0') = ltrim(upper(cert."serialNumber"), '0')
              AND (i.issuer IS NULL OR regexp_replace(lower(cert.issuer), '\\s+', '', 'g') = regexp_replace(lower(i.issuer), '\\s+', '', 'g')))))`,
  ]);
  const c = counts[0]!;
  return {
    id: advisory.id,
    title: advisory.title,
    severity: advisory.severity,
    publishedAt: advisory.publishedAt,
    compromiseStart: advisory.compromiseStart,
    compromiseEnd: advisory.compromiseEnd,
    guidance: advisory.guidance,
    source: advisory.source,
    createdAt: advisory.createdAt,
    indicators: advisory.indicators,
    affected: { total: Number(c.total), tenants: Number(c.tenants), page, pageSize, items },
    progress: {
      stillExposed: Number(c.exposed),
      remediated: Number(remediated[0]?.n ?? 0),
      rotationsInFlight: Number(c.inflight),
    },
  };
}

/** Every affected connector id the caller may act on (operator scope): the selection for a remediation campaign. */
export async function listAffectedConnectorIds(
  ctx: ReadContext,
  input: { advisoryId: string; onlyExposed?: boolean },
): Promise<string[]> {
  const { advisoryId: id } = input;
  const caller = callerOf(ctx);
  const scope =
    caller === 'system'
      ? ({ all: true } as const)
      : (await import('@/lib/fleet/fleet-scope')).fleetScopeFor(caller, 'operator');
  const rows = await ctx.db.$queryRaw<{ id: string }[]>`
    WITH affected AS (${affectedSql([id], scope)})
    SELECT c.id FROM affected f JOIN "Connector" c ON c.id = f."connectorId"
    ${input.onlyExposed === false ? Prisma.empty : Prisma.sql`WHERE c.status IN ${EXPOSED_SQL}`}
    ORDER BY c.status, c.id`;
  return rows.map((r) => r.id);
}
