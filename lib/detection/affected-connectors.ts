/**
 * Which connectors an advisory affects, as SQL (for the advisory pages' counts and lists): the
 * connector's current certificate matches an indicator, or a credential observed in the tenant
 * (app or service principal) does. Serial indicators match certificates by serial (leading zeros
 * ignored) and, when given, issuer (case and whitespace ignored — the rule of
 * load-advisory-indicators.ts), and through those certificates' thumbprints the observed
 * credentials too. Tenant scope is applied on alias `t`.
 */
import { Prisma } from '@/lib/db';
import { fleetScopeFor, tenantSql, type FleetScope } from '@/lib/fleet/fleet-scope';
import type { Caller } from '@/lib/detection/detection-access';

export function scopeOf(caller: Caller): FleetScope {
  return caller === 'system' ? { all: true } : fleetScopeFor(caller, 'viewer');
}

/**
 * A CTE body yielding ("advisoryId", "connectorId", "tenantId", "matchedBy" text[]) for the
 * given advisories (null = all) within the scope. Use as `WITH affected AS (${affectedSql(…)})`.
 */
export function affectedSql(advisoryIds: string[] | null, scope: FleetScope): Prisma.Sql {
  const adv = advisoryIds ? Prisma.sql`i."advisoryId" = ANY(${advisoryIds}::uuid[])` : Prisma.sql`TRUE`;
  return Prisma.sql`
    SELECT m."advisoryId", m."connectorId", m."tenantId", array_agg(DISTINCT m.how ORDER BY m.how) AS "matchedBy"
    FROM (
      WITH thumbs AS (
        SELECT i."advisoryId", i.kind::text AS kind, upper(i.value) AS value FROM "AdvisoryIndicator" i WHERE ${adv} AND i.kind IN ('sha1', 'sha256')
        UNION
        SELECT i."advisoryId", 'sha1', upper(cert."sha1Thumbprint") FROM "AdvisoryIndicator" i
          JOIN "Certificate" cert ON ltrim(upper(cert."serialNumber"), '0') = ltrim(upper(i.value), '0')
           AND (i.issuer IS NULL OR regexp_replace(lower(cert.issuer), '\\s+', '', 'g') = regexp_replace(lower(i.issuer), '\\s+', '', 'g'))
          WHERE ${adv} AND i.kind = 'serial'
        UNION
        SELECT i."advisoryId", 'sha256', upper(cert."sha256Thumbprint") FROM "AdvisoryIndicator" i
          JOIN "Certificate" cert ON ltrim(upper(cert."serialNumber"), '0') = ltrim(upper(i.value), '0')
           AND (i.issuer IS NULL OR regexp_replace(lower(cert.issuer), '\\s+', '', 'g') = regexp_replace(lower(i.issuer), '\\s+', '', 'g'))
          WHERE ${adv} AND i.kind = 'serial'
      )
      SELECT th."advisoryId", c.id AS "connectorId", c."tenantId", 'current certificate' AS how
        FROM thumbs th
        JOIN "Certificate" cert ON (th.kind = 'sha1' AND upper(cert."sha1Thumbprint") = th.value) OR (th.kind = 'sha256' AND upper(cert."sha256Thumbprint") = th.value)
        JOIN "Connector" c ON c."currentCertificateId" = cert.id
      UNION ALL
      SELECT th."advisoryId", c.id, c."tenantId", 'credential in tenant'
        FROM "Connector" c
        CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c."observedCredentials") = 'array' THEN c."observedCredentials" ELSE '[]'::jsonb END) e
        JOIN thumbs th ON (th.kind = 'sha1' AND upper(coalesce(e->>'thumbprint', e->>'sha1', '')) = th.value) OR (th.kind = 'sha256' AND upper(coalesce(e->>'sha256', '')) = th.value)
    ) m
    JOIN "Tenant" t ON t.id = m."tenantId"
    WHERE ${tenantSql(scope, {})}
    GROUP BY m."advisoryId", m."connectorId", m."tenantId"`;
}
