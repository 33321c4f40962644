/**
 * Every advisory's indicators in the shape lib/status takes, loaded set-based (advisories are
 * few; indicators at most thousands). Serial-number indicators are also resolved to the SHA-1 /
 * SHA-256 thumbprints of certificates Rekey knows with that serial (and issuer, when the advisory
 * names one), so an old credential still held in a tenant matches by serial too.
 */
import { epochMsSql, jsonRowsSql, Prisma, type Db } from '@/lib/db';
import { normalizeSerial } from '@/lib/detection/parse-advisory';
import type { Advisory as StatusAdvisory } from '@/lib/status/classify-connector';

/** Issuer DNs compare case-insensitively and without whitespace (the same rule in SQL). */
export function issuerKey(dn: string): string {
  return dn.toLowerCase().replace(/\s+/g, '');
}

export interface AdvisoryWindow {
  id: string;
  title: string;
  publishedAt: Date;
  compromiseStart: Date | null;
  compromiseEnd: Date | null;
}

export interface LoadedAdvisories {
  /** For classifyConnector. Serials are passed as issuerSerials only when the advisory names an issuer. */
  forStatus: StatusAdvisory[];
  windows: Map<string, AdvisoryWindow>;
  /** Every compromised SHA-1 thumbprint (uppercase) → the advisories naming it. */
  sha1: Map<string, string[]>;
  sha256: Map<string, string[]>;
}

type AdvisoryRow = AdvisoryWindow & { indicators: { kind: string; value: string; issuer: string | null }[] };

/**
 * Every advisory with its indicators as one JSON array (times as epoch ms), for a statement that
 * reads more (reclassification reads it with the detection settings); advisoryIndicatorsFrom
 * reads it back.
 */
export const advisoriesJsonSql = jsonRowsSql(
  Prisma.sql`SELECT a."id"::text AS id, a."title",
           ${epochMsSql('a."publishedAt"')} AS "publishedMs",
           ${epochMsSql('a."compromiseStart"')} AS "compromiseStartMs",
           ${epochMsSql('a."compromiseEnd"')} AS "compromiseEndMs",
           COALESCE(jsonb_agg(jsonb_build_object('kind', i."kind", 'value', i."value", 'issuer', i."issuer"))
                    FILTER (WHERE i."id" IS NOT NULL), '[]'::jsonb) AS "indicators"
    FROM "Advisory" a LEFT JOIN "AdvisoryIndicator" i ON i."advisoryId" = a."id"
    GROUP BY a."id"`,
  'x."publishedMs", x.id',
);

export type AdvisoriesJson = (Omit<AdvisoryRow, 'publishedAt' | 'compromiseStart' | 'compromiseEnd'> & {
  publishedMs: number;
  compromiseStartMs: number | null;
  compromiseEndMs: number | null;
})[];

export async function loadAdvisoryIndicators(db: Db | Prisma.TransactionClient): Promise<LoadedAdvisories> {
  // One raw statement (a typed include sends two and costs several times the CPU).
  const [row] = await db.$queryRaw<{ advisories: AdvisoriesJson }[]>`SELECT ${advisoriesJsonSql} AS advisories`;
  return advisoryIndicatorsFrom(db, row!.advisories);
}

/** The indicators of advisoriesJsonSql's rows (and the certificates their serials name: one more read when any do). */
export async function advisoryIndicatorsFrom(
  db: Db | Prisma.TransactionClient,
  rows: AdvisoriesJson,
): Promise<LoadedAdvisories> {
  const advisories: AdvisoryRow[] = rows.map(({ publishedMs, compromiseStartMs, compromiseEndMs, ...a }) => ({
    ...a,
    publishedAt: new Date(publishedMs),
    compromiseStart: compromiseStartMs === null ? null : new Date(compromiseStartMs),
    compromiseEnd: compromiseEndMs === null ? null : new Date(compromiseEndMs),
  }));
  const serials = [
    ...new Set(advisories.flatMap((a) => a.indicators.filter((i) => i.kind === 'serial').map((i) => i.value))),
  ];
  // Certificate serials are stored as parsed (uppercase hex, maybe with a leading zero).
  const certs = serials.length
    ? await db.certificate.findMany({
        where: {
          serialNumber: {
            in: [...serials, ...serials.map((s) => `0${s}`), ...serials.map((s) => `00${s}`)],
            mode: 'insensitive',
          },
        },
        select: { serialNumber: true, issuer: true, sha1Thumbprint: true, sha256Thumbprint: true },
      })
    : [];
  const forStatus: StatusAdvisory[] = [];
  const windows = new Map<string, AdvisoryWindow>();
  const sha1 = new Map<string, string[]>();
  const sha256 = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, id: string) => {
    const list = m.get(k);
    if (!list) m.set(k, [id]);
    else if (!list.includes(id)) list.push(id);
  };
  for (const a of advisories) {
    windows.set(a.id, {
      id: a.id,
      title: a.title,
      publishedAt: a.publishedAt,
      compromiseStart: a.compromiseStart,
      compromiseEnd: a.compromiseEnd,
    });
    const s1 = new Set<string>();
    const s256 = new Set<string>();
    const issuerSerials: { issuer: string; serialNumber: string }[] = [];
    for (const i of a.indicators) {
      if (i.kind === 'sha1') s1.add(i.value.toUpperCase());
      else if (i.kind === 'sha256') s256.add(i.value.toUpperCase());
      else {
        if (i.issuer) issuerSerials.push({ issuer: i.issuer, serialNumber: i.value });
        for (const c of certs) {
          if (normalizeSerial(c.serialNumber) !== normalizeSerial(i.value)) continue;
          if (i.issuer && issuerKey(i.issuer) !== issuerKey(c.issuer)) continue;
          s1.add(c.sha1Thumbprint.toUpperCase());
          s256.add(c.sha256Thumbprint.toUpperCase());
        }
      }
    }
    for (const t of s1) add(sha1, t, a.id);
    for (const t of s256) add(sha256, t, a.id);
    forStatus.push({ id: a.id, sha1Thumbprints: [...s1], sha256Thumbprints: [...s256], issuerSerials });
  }
  return { forStatus, windows, sha1, sha256 };
}

/** The earliest moment sign-ins matter for a compromised credential: the compromise start, else publication − 90 days. */
export function evidenceSince(windows: AdvisoryWindow[], lookbackDays = 90): Date | null {
  let since: Date | null = null;
  for (const w of windows) {
    const t = w.compromiseStart ?? new Date(w.publishedAt.getTime() - lookbackDays * 86_400_000);
    if (!since || t < since) since = t;
  }
  return since;
}
