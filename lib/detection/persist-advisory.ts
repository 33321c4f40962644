/**
 * The write shared by the three ways to create an advisory (paste, import, mark a certificate):
 * advisory + indicators + audit event, then the affected connectors re-classified — all in the
 * caller's ONE transaction.
 *
 * Why the re-classification is in the same transaction: an advisory must never be visible
 * without its effect (a page showing the advisory while the connectors it names still say
 * "healthy" is exactly the false comfort this tool exists to prevent), and a failure must leave
 * neither. The cost is bounded by the connectors the indicators match — for the seed incident
 * ~3,600 connectors, about a second (see reclassify-connectors.db.test.ts); the transaction
 * timeout is generous for that reason.
 */
import type { Actor } from '@/lib/audit/append-audit-event';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { Prisma } from '@/lib/db';
import { loadAdvisoryIndicators } from '@/lib/detection/load-advisory-indicators';
import type { ParsedAdvisory } from '@/lib/detection/parse-advisory';
import { reclassifyConnectorsInTransaction, type ReclassifyResult } from '@/lib/detection/reclassify-connectors';

export const ADVISORY_TRANSACTION = { timeout: 120_000, maxWait: 10_000 } as const;

export interface CreatedAdvisory {
  id: string;
  indicators: number;
  /** Connectors the advisory matched (current certificate or a credential still in the tenant). */
  affectedConnectors: number;
  reclassified: Pick<ReclassifyResult, 'examined' | 'changed' | 'byStatus' | 'durationMs'>;
}

export async function persistAdvisory(
  tx: Prisma.TransactionClient,
  parsed: ParsedAdvisory,
  ctx: {
    actor: Actor;
    now: Date;
    createdById: string | null;
    audit: { action: string; extra?: Record<string, unknown> };
  },
): Promise<CreatedAdvisory> {
  const { meta, indicators } = parsed;
  const advisory = await tx.advisory.create({
    data: {
      title: meta.title,
      severity: meta.severity,
      publishedAt: meta.publishedAt ?? ctx.now,
      compromiseStart: meta.compromiseStart,
      compromiseEnd: meta.compromiseEnd,
      guidance: meta.guidance,
      source: meta.source,
      createdById: ctx.createdById,
      createdAt: ctx.now,
    },
  });
  await tx.advisoryIndicator.createMany({
    data: indicators.map((i) => ({ advisoryId: advisory.id, kind: i.kind, value: i.value, issuer: i.issuer })),
  });
  await appendAuditEvent(
    tx,
    ctx.actor,
    {
      action: ctx.audit.action,
      targetType: 'advisory',
      targetId: advisory.id,
      after: {
        title: advisory.title,
        severity: advisory.severity,
        publishedAt: advisory.publishedAt.toISOString(),
        compromiseStart: advisory.compromiseStart?.toISOString() ?? null,
        compromiseEnd: advisory.compromiseEnd?.toISOString() ?? null,
        source: advisory.source,
        indicators: indicators.map((i) => ({
          kind: i.kind,
          value: i.value,
          ...(i.issuer ? { issuer: i.issuer } : {}),
        })),
        ...ctx.audit.extra,
      },
    },
    ctx.now,
  );
  const loaded = await loadAdvisoryIndicators(tx);
  const mine = loaded.forStatus.find((a) => a.id === advisory.id)!;
  const result = await reclassifyConnectorsInTransaction(
    tx,
    { thumbprints: { sha1: mine.sha1Thumbprints ?? [], sha256: mine.sha256Thumbprints ?? [] } },
    { now: ctx.now, actor: ctx.actor, reason: `${ctx.audit.action} ${advisory.id}` },
  );
  return {
    id: advisory.id,
    indicators: indicators.length,
    affectedConnectors: result.examined,
    reclassified: {
      examined: result.examined,
      changed: result.changed,
      byStatus: result.byStatus,
      durationMs: result.durationMs,
    },
  };
}
