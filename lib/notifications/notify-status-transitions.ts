/**
 * For lib/detection: call inside the transaction that writes new connector statuses (e.g.
 * reclassify-connectors, next to its audit event) with the transitions it made. Connectors that
 * became exposed (compromised / targeted, or compromised → targeted) produce one
 * `compromise.detected` (worst advisory naming them, counts, targeted tenants); connectors that
 * became `drift` produce one `drift.detected`. Nothing else is announced.
 */
import type { Prisma } from '@/lib/db';
import { affectedSql } from '@/lib/detection/affected-connectors';
import type { NotificationChannel } from '@/lib/notifications/notification-send.job';
import { notify } from '@/lib/notifications/notify';
import { EXPOSED_STATUSES } from '@/lib/fleet/statuses';

export interface StatusTransition {
  connectorId: string;
  from: string | null;
  to: string;
}

const EXPOSED = new Set<string>(EXPOSED_STATUSES);
const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const MAX_LISTED = 50;

export async function notifyStatusTransitions(
  tx: Prisma.TransactionClient,
  transitions: readonly StatusTransition[],
  now: Date = new Date(),
): Promise<NotificationChannel[]> {
  const exposed = transitions.filter(
    (t) => t.from !== t.to && EXPOSED.has(t.to) && (!EXPOSED.has(t.from ?? '') || t.to === 'targeted'),
  );
  const drifted = transitions.filter((t) => t.to === 'drift' && t.from !== 'drift');
  const sent: NotificationChannel[] = [];
  if (exposed.length > 0) {
    const ids = exposed.map((t) => t.connectorId);
    // Raw statements throughout: this runs inside the rotation engine's commit, which may be a
    // direct transaction (lib/db.ts directTransaction: raw statements only).
    const connectors = await tx.$queryRaw<{ id: string; tenantId: string; tenantName: string }[]>`
      SELECT c."id"::text, c."tenantId"::text, t."displayName" AS "tenantName"
      FROM "Connector" c JOIN "Tenant" t ON t."id" = c."tenantId"
      WHERE c."id" = ANY(${ids}::uuid[])`;
    const advisories = await tx.$queryRaw<{ id: string; title: string; severity: string }[]>`
      WITH affected AS (${affectedSql(null, { all: true })})
      SELECT DISTINCT a.id, a.title, a.severity::text AS severity FROM affected af JOIN "Advisory" a ON a.id = af."advisoryId"
      WHERE af."connectorId" = ANY(${ids}::uuid[])`;
    advisories.sort(
      (a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || a.title.localeCompare(b.title),
    );
    const worst = advisories[0];
    const targetedIds = new Set(exposed.filter((t) => t.to === 'targeted').map((t) => t.connectorId));
    const targetedTenants = [...new Set(connectors.filter((c) => targetedIds.has(c.id)).map((c) => c.tenantName))]
      .sort()
      .slice(0, MAX_LISTED);
    sent.push(
      ...(await notify(
        tx,
        {
          kind: 'compromise.detected',
          title: worst
            ? `${worst.title}${advisories.length > 1 ? ` (and ${advisories.length - 1} more advisories)` : ''}`
            : 'Compromised credential detected',
          severity: worst?.severity ?? 'unknown',
          advisoryId: worst?.id ?? null,
          connectors: connectors.length,
          tenants: new Set(connectors.map((c) => c.tenantId)).size,
          ...(targetedTenants.length ? { targetedTenants } : {}),
        },
        now,
      )),
    );
  }
  if (drifted.length > 0) {
    const connectors = await tx.$queryRaw<{ id: string; displayName: string; tenantName: string }[]>`
      SELECT c."id"::text, c."displayName", t."displayName" AS "tenantName"
      FROM "Connector" c JOIN "Tenant" t ON t."id" = c."tenantId"
      WHERE c."id" = ANY(${drifted.map((t) => t.connectorId)}::uuid[])
      ORDER BY t."displayName", c."displayName"
      LIMIT ${MAX_LISTED}`;
    if (connectors.length > 0) {
      sent.push(
        ...(await notify(
          tx,
          {
            kind: 'drift.detected',
            connectors: connectors.map((c) => ({
              connectorId: c.id,
              connectorName: c.displayName,
              tenantName: c.tenantName,
              detail: 'the tenant holds credentials Rekey does not know, or lacks one it should',
            })),
          },
          now,
        )),
      );
    }
  }
  return sent;
}
