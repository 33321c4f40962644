/**
 * THE service that recomputes `Connector.status / statusReasons / statusAt` with lib/status
 * `classifyConnector`. Everything that changes an input (an advisory, a drift scan, sign-in
 * evidence, a rotation, the daily job) calls it for the connectors concerned.
 *
 * Set-based: connectors are read in keyset-ordered batches (1,000 by default), each batch in one
 * query with its current certificates and sign-in evidence; advisories, policy and vendor ranges
 * once per run.
 * Only connectors whose status or reasons changed are written, with one UPDATE … FROM (VALUES …)
 * per batch, and one `connector.reclassify` audit event per batch that changed something (counts
 * plus each connector's transition) in the same transaction as the writes.
 *
 * Two entry points:
 * - `reclassifyConnectors(db, …)`: each batch in its own transaction (daily job, scans);
 * - `reclassifyConnectorsInTransaction(tx, …)`: inside the caller's transaction, so a change and
 *   its effect on statuses commit together (creating an advisory).
 */
import { randomUUID } from 'node:crypto';
import { appendAuditEvent, SYSTEM_ACTOR, type Actor } from '@/lib/audit/append-audit-event';
import { notifyStatusTransitions } from '@/lib/notifications/notify-status-transitions';
import { Prisma, type Db } from '@/lib/db';
import {
  advisoriesJsonSql,
  advisoryIndicatorsFrom,
  type AdvisoriesJson,
  type LoadedAdvisories,
} from '@/lib/detection/load-advisory-indicators';
import {
  detectionSettingsFrom,
  detectionSettingsJsonSql,
  type DetectionSettings,
} from '@/lib/detection/detection-settings';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import { CONNECTOR_STATUS_VALUES, type ConnectorStatusValue } from '@/lib/fleet/statuses';
import {
  classifyConnector,
  type ConnectorCertificate,
  type SignInEvidence,
  type StatusReason,
} from '@/lib/status/classify-connector';

type Tx = Prisma.TransactionClient;

export type ReclassifyScope =
  | { all: true }
  | { connectorIds: string[] }
  | { tenantIds: string[] }
  | { certificateIds: string[] }
  /** Connectors whose current certificate or observed credentials carry one of these thumbprints. */
  | { thumbprints: { sha1: string[]; sha256: string[] } };

export interface ReclassifyOptions {
  now: Date;
  actor?: Actor;
  batchSize?: number;
  /** Why (recorded in the audit event), e.g. 'advisory.create', 'scan.signins', 'daily'. */
  reason?: string;
}

export interface StatusTransition {
  connectorId: string;
  tenantId: string;
  from: ConnectorStatusValue;
  to: ConnectorStatusValue;
}

export interface ReclassifyResult {
  examined: number;
  /** Connectors whose status changed. */
  changed: number;
  /** Connectors whose reasons changed but status stayed. */
  reasonsUpdated: number;
  /** Status counts over the examined connectors, after the run. */
  byStatus: Record<ConnectorStatusValue, number>;
  transitions: StatusTransition[];
  batches: number;
  durationMs: number;
}

interface Ctx {
  settings: DetectionSettings;
  advisories: LoadedAdvisories;
  opts: Required<Pick<ReclassifyOptions, 'now' | 'batchSize'>> & { actor: Actor; reason: string; runId: string };
}

const up = (s: string) => s.replace(/[^0-9a-f]/gi, '').toUpperCase();

function scopeSql(scope: ReclassifyScope): Prisma.Sql {
  if ('all' in scope) return Prisma.sql`TRUE`;
  if ('connectorIds' in scope) return Prisma.sql`c.id = ANY(${scope.connectorIds}::uuid[])`;
  if ('tenantIds' in scope) return Prisma.sql`c."tenantId" = ANY(${scope.tenantIds}::uuid[])`;
  if ('certificateIds' in scope) return Prisma.sql`c."currentCertificateId" = ANY(${scope.certificateIds}::uuid[])`;
  const sha1 = scope.thumbprints.sha1.map(up);
  const sha256 = scope.thumbprints.sha256.map(up);
  return Prisma.sql`(
    EXISTS (SELECT 1 FROM "Certificate" cert WHERE cert.id = c."currentCertificateId" AND (upper(cert."sha1Thumbprint") = ANY(${sha1}::text[]) OR upper(cert."sha256Thumbprint") = ANY(${sha256}::text[])))
    OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(c."observedCredentials") = 'array' THEN c."observedCredentials" ELSE '[]'::jsonb END) e
               WHERE upper(coalesce(e->>'thumbprint', e->>'sha1', '')) = ANY(${sha1}::text[]) OR upper(coalesce(e->>'sha256', '')) = ANY(${sha256}::text[])))`;
}

interface Row {
  id: string;
  tenantId: string;
  currentCertificateId: string | null;
  status: ConnectorStatusValue;
  statusReasons: unknown;
  observedCredentials: unknown;
  observedAt: Date | null;
  expectedThumbprints: string[];
  /** The current certificate, joined (null columns when there is none). */
  certSha1: string | null;
  certSha256: string | null;
  certIssuer: string | null;
  certSerial: string | null;
  certNotBefore: Date | null;
  certNotAfter: Date | null;
  /** Sign-in evidence: one entry per (credential, address) with the latest time (ms), or null. */
  evidence: { thumb: string; ip: string; at: number }[] | null;
}

function sameReasons(a: unknown, b: StatusReason[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function runBatch(tx: Db | Tx, ctx: Ctx, rows: Row[]) {
  // The batch's certificates and sign-in evidence came with its rows (nextBatch).
  const certificateOf = (r: Row): ConnectorCertificate | null =>
    r.currentCertificateId && r.certSha1 !== null
      ? {
          sha1Thumbprint: r.certSha1,
          sha256Thumbprint: r.certSha256!,
          issuer: r.certIssuer!,
          serialNumber: r.certSerial!,
          notBefore: r.certNotBefore!,
          notAfter: r.certNotAfter!,
        }
      : null;
  const evidenceOf = (r: Row): SignInEvidence[] =>
    (r.evidence ?? []).map((e) => ({ sha1Thumbprint: e.thumb, ipAddress: e.ip, at: new Date(e.at) }));
  const updates: { id: string; status: ConnectorStatusValue; reasons: StatusReason[]; statusChanged: boolean }[] = [];
  const transitions: StatusTransition[] = [];
  const statuses: ConnectorStatusValue[] = [];
  for (const r of rows) {
    const certificate = certificateOf(r);
    const observed = r.observedAt ? readObservedCredentials(r.observedCredentials) : null;
    const result = classifyConnector(
      {
        certificate,
        advisories: ctx.advisories.forStatus,
        // Every credential the tenant holds (app and SP): a compromised one still present counts
        // even after the current certificate was replaced. Unreadable thumbprints cannot match.
        tenantCredentials: observed
          ? observed.map((o) => ({
              sha1Thumbprint: o.thumbprint ?? `UNKNOWN-${o.keyId}`,
              keyId: o.keyId,
              sha256Thumbprint: o.sha256 ?? undefined,
            }))
          : null,
        knownThumbprints: r.expectedThumbprints,
        signIns: evidenceOf(r),
        vendorAddresses: ctx.settings.vendorCidrs,
      },
      ctx.settings.policy,
      ctx.opts.now,
    );
    const to = result.status as ConnectorStatusValue;
    statuses.push(to);
    if (to !== r.status) {
      updates.push({ id: r.id, status: to, reasons: result.reasons, statusChanged: true });
      transitions.push({ connectorId: r.id, tenantId: r.tenantId, from: r.status, to });
    } else if (!sameReasons(r.statusReasons, result.reasons)) {
      updates.push({ id: r.id, status: to, reasons: result.reasons, statusChanged: false });
    }
  }
  if (updates.length > 0) {
    const values = Prisma.join(
      updates.map(
        (u) =>
          Prisma.sql`(${u.id}::uuid, ${u.status}::"ConnectorStatus", ${JSON.stringify(u.reasons)}::jsonb, ${u.statusChanged}::boolean)`,
      ),
    );
    await tx.$executeRaw`
      UPDATE "Connector" AS c
      SET status = v.status, "statusReasons" = v.reasons,
          "statusAt" = CASE WHEN v.changed THEN ${ctx.opts.now}::timestamp ELSE c."statusAt" END,
          "updatedAt" = ${ctx.opts.now}
      FROM (VALUES ${values}) AS v(id, status, reasons, changed)
      WHERE c.id = v.id`;
  }
  if (transitions.length > 0) {
    const counts: Partial<Record<string, number>> = {};
    for (const t of transitions) counts[`${t.from}->${t.to}`] = (counts[`${t.from}->${t.to}`] ?? 0) + 1;
    await appendAuditEvent(
      tx as Tx,
      ctx.opts.actor,
      {
        action: 'connector.reclassify',
        targetType: 'connector',
        targetId: transitions.length === 1 ? transitions[0]!.connectorId : null,
        tenantId: new Set(transitions.map((t) => t.tenantId)).size === 1 ? transitions[0]!.tenantId : null,
        before: { reason: ctx.opts.reason, runId: ctx.opts.runId },
        after: {
          examined: rows.length,
          changed: transitions.length,
          counts,
          transitions: transitions.map((t) => ({ connectorId: t.connectorId, from: t.from, to: t.to })),
        },
      },
      ctx.opts.now,
    );
    // "New compromise / drift detected" notifications, queued in the same transaction.
    await notifyStatusTransitions(
      tx as Tx,
      transitions.map((t) => ({ connectorId: t.connectorId, from: t.from, to: t.to })),
      ctx.opts.now,
    );
  }
  return { updates, transitions, statuses };
}

async function prepare(db: Db | Tx, opts: ReclassifyOptions): Promise<Ctx> {
  // The settings and the advisories in one statement: every finished rotation reclassifies its connector.
  const [row] = await db.$queryRaw<{ settings: { key: string; value: unknown }[]; advisories: AdvisoriesJson }[]>`
    SELECT ${detectionSettingsJsonSql} AS settings, ${advisoriesJsonSql} AS advisories`;
  const settings = detectionSettingsFrom(row!.settings);
  const advisories = await advisoryIndicatorsFrom(db, row!.advisories);
  return {
    settings,
    advisories,
    opts: {
      now: opts.now,
      batchSize: opts.batchSize ?? 1_000,
      actor: opts.actor ?? SYSTEM_ACTOR,
      reason: opts.reason ?? 'reclassify',
      runId: randomUUID(),
    },
  };
}

async function nextBatch(db: Db | Tx, scope: ReclassifyScope, after: string | null, size: number): Promise<Row[]> {
  // One statement per batch: the connectors, their current certificates and their sign-in evidence
  // (one entry per credential and address, the latest time; `at` in ms, stored as UTC).
  return db.$queryRaw<Row[]>`
    SELECT c.id, c."tenantId", c."currentCertificateId", c.status::text AS status, c."statusReasons", c."observedCredentials", c."observedAt", c."expectedThumbprints",
           cc."sha1Thumbprint" AS "certSha1", cc."sha256Thumbprint" AS "certSha256", cc."issuer" AS "certIssuer",
           cc."serialNumber" AS "certSerial", cc."notBefore" AS "certNotBefore", cc."notAfter" AS "certNotAfter",
           ev.evidence
    FROM "Connector" c
    LEFT JOIN "Certificate" cc ON cc.id = c."currentCertificateId"
    LEFT JOIN LATERAL (
      SELECT jsonb_agg(jsonb_build_object('thumb', x.thumb, 'ip', x.ip, 'at', x.at)) AS evidence
      FROM (SELECT upper(s."credentialThumbprint") AS thumb, s."ipAddress" AS ip, (extract(epoch FROM max(s.at)) * 1000)::float8 AS at
            FROM "SignInEvidence" s
            WHERE s."connectorId" = c.id AND s."credentialThumbprint" IS NOT NULL
            GROUP BY upper(s."credentialThumbprint"), s."ipAddress") x
    ) ev ON TRUE
    WHERE ${scopeSql(scope)} ${after ? Prisma.sql`AND c.id > ${after}::uuid` : Prisma.empty}
    ORDER BY c.id
    LIMIT ${size}`;
}

function emptyCounts(): Record<ConnectorStatusValue, number> {
  return Object.fromEntries(CONNECTOR_STATUS_VALUES.map((s) => [s, 0])) as Record<ConnectorStatusValue, number>;
}

async function run(
  db: Db | Tx,
  scope: ReclassifyScope,
  opts: ReclassifyOptions,
  perBatch: (
    fn: (tx: Db | Tx) => Promise<Awaited<ReturnType<typeof runBatch>>>,
  ) => Promise<Awaited<ReturnType<typeof runBatch>>>,
): Promise<ReclassifyResult> {
  const started = performance.now();
  const ctx = await prepare(db, opts);
  const result: ReclassifyResult = {
    examined: 0,
    changed: 0,
    reasonsUpdated: 0,
    byStatus: emptyCounts(),
    transitions: [],
    batches: 0,
    durationMs: 0,
  };
  if ('connectorIds' in scope && scope.connectorIds.length === 0) return result;
  if ('tenantIds' in scope && scope.tenantIds.length === 0) return result;
  if ('certificateIds' in scope && scope.certificateIds.length === 0) return result;
  let after: string | null = null;
  for (;;) {
    const rows = await nextBatch(db, scope, after, ctx.opts.batchSize);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const b = await perBatch((tx) => runBatch(tx, ctx, rows));
    result.batches++;
    result.examined += rows.length;
    result.changed += b.transitions.length;
    result.reasonsUpdated += b.updates.length - b.transitions.length;
    result.transitions.push(...b.transitions);
    for (const s of b.statuses) result.byStatus[s]++;
    if (rows.length < ctx.opts.batchSize) break;
  }
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

/** Each batch commits on its own with its audit event (long runs do not hold one transaction). */
export async function reclassifyConnectors(
  db: Db,
  scope: ReclassifyScope,
  opts: ReclassifyOptions,
): Promise<ReclassifyResult> {
  return run(db, scope, opts, (fn) => db.$transaction((tx) => fn(tx), { timeout: 60_000, maxWait: 10_000 }));
}

/** Inside the caller's transaction (the caller's change and the new statuses commit together). */
export async function reclassifyConnectorsInTransaction(
  tx: Tx,
  scope: ReclassifyScope,
  opts: ReclassifyOptions,
): Promise<ReclassifyResult> {
  return run(tx, scope, opts, (fn) => fn(tx));
}
