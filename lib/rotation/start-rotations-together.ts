/**
 * Starts a campaign's claimed rotations in ONE transaction (issue 21, ADR 045): one read of their
 * connectors, one of each target certificate, one insert of every rotation, one re-read, one audit
 * append of every `rotation.started` event, one insert of every first `rotation.advance` job, and
 * the caller's own statements (the campaign links its items). Starting them one at a time sent ten
 * statements per rotation.
 *
 * Each rotation is still what startRotation would start: the same row, facts, event and job. What
 * startRotation would refuse is not decided here: an input that fails any of its checks (connector
 * or certificate missing, already on the target, a certificate Entra would refuse, a cutover wait
 * with re-establish), or that asks for what only startRotation does (a principal to authorize, a
 * typed confirmation, recreate, delegated steps), comes back null, for the caller to start alone,
 * which says why. So does every input when the transaction cannot commit as a whole because a
 * connector got an active rotation or changed certificate meanwhile: then nothing of it was
 * written. Any other error is thrown (nothing was written either).
 */
import { randomUUID } from 'node:crypto';
import { appendAuditEvents } from '@/lib/audit/append-audit-event';
import { certificateFactsOfDer } from '@/lib/certs/certificate-facts';
import { requireValidCertificate } from '@/lib/certs/validate-for-entra';
import { directTransaction, isUniqueViolation, type Prisma, utcTimestamp } from '@/lib/db';
import { enqueueAdvanceMany } from '@/lib/rotation/rotation-advance-queue';
import { getCertificateByIdOrThumbprint } from '@/lib/rotation/find-certificate';
import type { RotationFacts } from '@/lib/rotation/rotation-facts';
import {
  cutoverHoursFor,
  loadStartConnectors,
  rotationStartedEvent,
  startFacts,
  StartRotationSchema,
  type StartConnector,
  type StartRotationInput,
} from '@/lib/rotation/start-rotation';
import type { UseCaseContext } from '@/lib/use-case';

interface Planned {
  index: number;
  id: string;
  connector: StartConnector;
  certificateId: string;
  mode: 'rotate' | 'reestablish';
  campaignId: string | null;
  facts: RotationFacts;
  cutoverHours: number | null;
}

/** The transaction could not commit as a whole: every input is started alone. */
class StartAlone extends Error {}

/**
 * Returns, per input, the id of the rotation started, or null (start it with startRotation).
 * `inTransaction` runs inside the transaction with the rotations started (index into `inputs`).
 */
export async function startRotationsTogether(
  ctx: UseCaseContext,
  inputs: StartRotationInput[],
  inTransaction?: (tx: Prisma.TransactionClient, started: { index: number; rotationId: string }[]) => Promise<void>,
): Promise<(string | null)[]> {
  const out: (string | null)[] = inputs.map(() => null);
  if (ctx.principal) return out;
  const parsed = inputs.map((i) => StartRotationSchema.safeParse(i));
  const ids = [...new Set(parsed.flatMap((p) => (p.success ? [p.data.connectorId] : [])))];
  if (ids.length === 0) return out;
  const connectors = new Map((await loadStartConnectors(ctx.db, ids)).map((c) => [c.id, c]));
  const certificates = new Map<string, Awaited<ReturnType<typeof getCertificateByIdOrThumbprint>> | null>();
  const planned: Planned[] = [];
  const seen = new Set<string>();
  for (const [index, p] of parsed.entries()) {
    if (!p.success) continue;
    const d = p.data;
    const connector = connectors.get(d.connectorId);
    const wait = d.cutoverWaitHours ?? null;
    if (!connector || d.recreate || d.delegated || d.confirmText !== undefined || seen.has(d.connectorId)) continue;
    if (wait !== null && d.mode !== 'rotate') continue;
    if (!certificates.has(d.toCertificateId))
      certificates.set(
        d.toCertificateId,
        await getCertificateByIdOrThumbprint(ctx.db, d.toCertificateId).catch(() => null),
      );
    const cert = certificates.get(d.toCertificateId);
    if (!cert || connector.currentCertificateId === cert.id) continue;
    try {
      requireValidCertificate(certificateFactsOfDer(Buffer.from(cert.der)), { now: ctx.now });
    } catch {
      continue;
    }
    seen.add(d.connectorId);
    const cutoverHours = cutoverHoursFor(wait, d.campaignId, connector.status);
    planned.push({
      index,
      id: randomUUID(),
      connector,
      certificateId: cert.id,
      mode: d.mode,
      campaignId: d.campaignId ?? null,
      cutoverHours,
      facts: startFacts(d.mode, false, cert.sha1Thumbprint, connector, cutoverHours),
    });
  }
  if (planned.length < 2) return out;
  try {
    await directTransaction(ctx.db, async (tx) => {
      const col = <T>(f: (p: Planned) => T) => planned.map(f);
      await tx.$executeRaw`
        INSERT INTO "Rotation" ("id", "connectorId", "campaignId", "mode", "state", "step", "startStatus",
          "fromCertificateId", "toCertificateId", "facts", "actorId", "actorLabel", "stepActor", "createdAt")
        SELECT x.id, x.connector, x.campaign, x.mode::"RotationMode", 'PENDING', 'preflight', x.status::"ConnectorStatus",
               x."from", x."to", x.facts::jsonb, ${ctx.actor.id}::uuid, ${ctx.actor.label}, NULL, ${utcTimestamp(ctx.now)}
        FROM unnest(${col((p) => p.id)}::uuid[], ${col((p) => p.connector.id)}::uuid[], ${col((p) => p.campaignId)}::uuid[],
                    ${col((p) => p.mode)}::text[], ${col((p) => p.connector.status)}::text[],
                    ${col((p) => p.connector.currentCertificateId)}::uuid[], ${col((p) => p.certificateId)}::uuid[],
                    ${col((p) => JSON.stringify(p.facts))}::text[])
             AS x(id, connector, campaign, mode, status, "from", "to", facts)`;
      // As startRotation: read the connectors AFTER the insert, which waited for any rotation of
      // theirs still finishing, so this read sees its result.
      const now = await tx.$queryRaw<{ id: string; currentCertificateId: string | null }[]>`
        SELECT id::text, "currentCertificateId"::text FROM "Connector" WHERE id = ANY(${col((p) => p.connector.id)}::uuid[])`;
      const current = new Map(now.map((r) => [r.id, r.currentCertificateId]));
      if (planned.some((p) => (current.get(p.connector.id) ?? null) !== p.connector.currentCertificateId))
        throw new StartAlone('a connector changed certificate meanwhile');
      await appendAuditEvents(
        tx,
        ctx.actor,
        planned.map((p) => rotationStartedEvent(p.id, p.connector, p.mode, p.facts, p.campaignId, p.cutoverHours)),
        ctx.now,
      );
      await enqueueAdvanceMany(
        tx,
        col((p) => p.id),
      );
      await inTransaction?.(
        tx,
        planned.map((p) => ({ index: p.index, rotationId: p.id })),
      );
    });
  } catch (e) {
    // One connector got an active rotation (the one-active index) or changed certificate meanwhile:
    // nothing was written; startRotation, one at a time, starts or refuses each.
    if (e instanceof StartAlone || isUniqueViolation(e)) return out;
    throw e;
  }
  for (const p of planned) out[p.index] = p.id;
  return out;
}
