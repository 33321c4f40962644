/** SQL fragments shared by the security report queries. */
import { Prisma } from '@/lib/db';

export { EXPOSED_SQL } from '@/lib/fleet/fleet-figures';

/**
 * Earliest publishedAt of an advisory naming the certificate at alias `cert` (by SHA-1, SHA-256,
 * or serial + issuer — lib/detection's matching rules), as a LATERAL subquery yielding `published`.
 */
export function advisoryPublishedLateral(cert: string): Prisma.Sql {
  const c = Prisma.raw(cert);
  return Prisma.sql`LEFT JOIN LATERAL (
    SELECT min(a."publishedAt") AS published
    FROM "AdvisoryIndicator" i JOIN "Advisory" a ON a.id = i."advisoryId"
    WHERE (i.kind = 'sha1' AND upper(i.value) = upper(${c}."sha1Thumbprint"))
       OR (i.kind = 'sha256' AND upper(i.value) = upper(${c}."sha256Thumbprint"))
       OR (i.kind = 'serial' AND ltrim(upper(i.value), '0') = ltrim(upper(${c}."serialNumber"), '0')
           AND (i.issuer IS NULL OR regexp_replace(lower(${c}.issuer), '\\s+', '', 'g') = regexp_replace(lower(i.issuer), '\\s+', '', 'g')))
  ) adv ON TRUE`;
}

/** Time-to-remediate histogram buckets, in hours ([from, to)). */
export const TTR_BUCKETS = [
  { label: '< 1 h', fromHours: 0, toHours: 1 },
  { label: '1–4 h', fromHours: 1, toHours: 4 },
  { label: '4–24 h', fromHours: 4, toHours: 24 },
  { label: '1–3 days', fromHours: 24, toHours: 72 },
  { label: '3–7 days', fromHours: 72, toHours: 168 },
  { label: '≥ 7 days', fromHours: 168, toHours: null },
] as const;
