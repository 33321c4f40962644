/**
 * Starts rotating one connector to a certificate: load → authorize → validate → insert the
 * rotation + audit event + first `rotation.advance` job in ONE transaction. The database's
 * partial unique index (one active rotation per connector) refuses a second start, also when two
 * arrive at the same moment; the loser gets a CONFLICT that names the running rotation.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAuditEvent, type AuditInput } from '@/lib/audit/append-audit-event';
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import { certificateFactsOfDer } from '@/lib/certs/certificate-facts';
import { requireValidCertificate } from '@/lib/certs/validate-for-entra';
import type { ConnectorStatus, Rotation } from '@/generated/prisma/client';
import { directTransaction, isUniqueViolation, Prisma, queryRows, utcTimestamp } from '@/lib/db';
import { ROTATION_COLUMNS } from '@/lib/rotation/load-rotation';
import { RekeyError } from '@/lib/errors';
import { ROTATION_ADVANCE_QUEUE, enqueueAdvance } from '@/lib/rotation/rotation-advance-queue';
import { getCertificateByIdOrThumbprint } from '@/lib/rotation/find-certificate';
import { ACTIVE_STATES, MAX_CUTOVER_WAIT_HOURS, isRoutineStatus, planFor } from '@/lib/rotation/machine';
import type { UseCaseContext } from '@/lib/use-case';
import type { RotationFacts } from '@/lib/rotation/rotation-facts';
import { notifyJobQueued } from '@/lib/jobs/job-notify';

export const StartRotationSchema = z.object({
  connectorId: z.uuid(),
  /** Certificate id or SHA-1 thumbprint. */
  toCertificateId: z.string().min(1),
  mode: z.enum(['rotate', 'reestablish']).default('rotate'),
  /** Re-establish by deleting and recreating the application (instead of replacing the credential). */
  recreate: z.boolean().default(false),
  campaignId: z.uuid().optional(),
  /**
   * A person confirming a delete-first (re-establish) rotation types the connector's name; when
   * given, it must match (checked here, after the one load + authorization).
   */
  confirmText: z.string().max(300).optional(),
  /**
   * The steps run with the starting actor's own (delegated) token, not Rekey's management app:
   * they are audited with that actor (a customer admin's self-service rotation, issue 20).
   */
  delegated: z.boolean().default(false),
  /**
   * Wait for the vendor's cutover (ADR 022): after the new key is verified, keep the old key for at
   * most this many hours until the vendor's service is seen signing in with the new key or an admin
   * confirms. null/omitted: no wait. Rotate mode only. A campaign's rotations wait only when the
   * connector is routine (not compromised or targeted): an emergency never keeps a compromised key.
   */
  cutoverWaitHours: z.number().int().min(1).max(MAX_CUTOVER_WAIT_HOURS).nullable().optional(),
});
export type StartRotationInput = z.input<typeof StartRotationSchema>;

async function describeActiveRotation(client: Prisma.TransactionClient, connectorId: string): Promise<string> {
  const active = await client.rotation.findFirst({
    where: { connectorId, state: { in: [...ACTIVE_STATES] } },
    orderBy: { createdAt: 'desc' },
  });
  if (!active) return 'another rotation was started at the same moment';
  return `rotation ${active.id}, ${active.state} at step ${active.step}, started by ${active.actorLabel || 'system'} at ${active.createdAt.toISOString()}`;
}

export interface StartRotationOptions {
  /**
   * Wake this process's worker for the rotation's first job (default true). A campaign starting
   * many at once wakes it once after the last, so the worker fetches them together and they
   * advance as a group (lib/rotation/step-group.ts).
   */
  notify?: boolean;
}

/** A connector as a start reads it: its current certificate's SHA-1 joined. */
export interface StartConnector {
  id: string;
  tenantId: string;
  displayName: string;
  status: ConnectorStatus;
  currentCertificateId: string | null;
  currentSha1: string | null;
}

/** The connectors a start needs (one statement however many: startRotationsTogether reads a group). */
export function loadStartConnectors(db: Prisma.TransactionClient, ids: string[]): Promise<StartConnector[]> {
  return queryRows<StartConnector>(
    db,
    Prisma.sql`
    SELECT c.id::text, c."tenantId"::text, c."displayName", c."status"::text, c."currentCertificateId"::text,
           cc."sha1Thumbprint" AS "currentSha1"
    FROM "Connector" c LEFT JOIN "Certificate" cc ON cc."id" = c."currentCertificateId"
    WHERE c."id" = ANY(${ids}::uuid[])`,
  );
}

/**
 * The hours a rotation waits for the vendor's cutover (ADR 022), or null: a campaign's rotations
 * wait only when the connector is routine — an emergency never keeps a compromised key.
 */
export function cutoverHoursFor(wait: number | null, campaignId: string | undefined, status: ConnectorStatus) {
  return wait !== null && (!campaignId || isRoutineStatus(status)) ? wait : null;
}

/** A new rotation's facts. */
export function startFacts(
  mode: 'rotate' | 'reestablish',
  recreate: boolean,
  newSha1: string,
  connector: Pick<StartConnector, 'currentSha1'>,
  cutoverHours: number | null,
): RotationFacts {
  return {
    plan: planFor(mode, recreate),
    recreateRequested: recreate,
    newSha1: newSha1.toUpperCase(),
    oldSha1: connector.currentSha1?.toUpperCase() ?? null,
    ...(cutoverHours !== null ? { cutover: { hours: cutoverHours } } : {}),
  };
}

/** The `rotation.started` audit event of a new rotation. */
export function rotationStartedEvent(
  rotationId: string,
  connector: Pick<StartConnector, 'id' | 'tenantId' | 'displayName'>,
  mode: 'rotate' | 'reestablish',
  facts: RotationFacts,
  campaignId: string | null,
  cutoverHours: number | null,
): AuditInput {
  return {
    action: 'rotation.started',
    targetType: 'rotation',
    targetId: rotationId,
    tenantId: connector.tenantId,
    after: {
      connectorId: connector.id,
      connector: connector.displayName,
      mode,
      plan: facts.plan,
      from: facts.oldSha1,
      to: facts.newSha1,
      campaignId,
      cutoverWaitHours: cutoverHours,
    },
  };
}

export async function startRotation(ctx: UseCaseContext, input: StartRotationInput, opts: StartRotationOptions = {}) {
  const parsed = StartRotationSchema.safeParse(input);
  if (!parsed.success)
    throw new RekeyError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { connectorId, mode, recreate, campaignId } = parsed.data;
  if (recreate && mode !== 'reestablish')
    throw new RekeyError('BAD_INPUT', 'Recreating the connection is a kind of re-establish: use mode "reestablish".');

  // load
  const [connector] = await loadStartConnectors(ctx.db, [connectorId]);
  if (!connector) throw new RekeyError('NOT_FOUND', `Connector ${connectorId} not found.`);
  // authorize
  if (ctx.principal) await requireTenantAccess(ctx.principal, connector.tenantId, 'operator', ctx.db);
  // validate
  if (mode === 'reestablish' && parsed.data.confirmText !== undefined) {
    if (parsed.data.confirmText.trim() !== connector.displayName)
      throw new RekeyError(
        'BAD_INPUT',
        `Re-establishing deletes the current credential first. Type “${connector.displayName}” to confirm.`,
        { fieldErrors: { confirmText: ['The typed text does not match.'] } },
      );
  }
  const cert = await getCertificateByIdOrThumbprint(ctx.db, parsed.data.toCertificateId);
  if (connector.currentCertificateId === cert.id) {
    throw new RekeyError(
      'BAD_INPUT',
      `Certificate ${cert.sha1Thumbprint} is already the current certificate of ${connector.displayName}; choose a new one.`,
    );
  }
  // Remembered per DER: a campaign starts hundreds of rotations to the same certificate.
  requireValidCertificate(certificateFactsOfDer(Buffer.from(cert.der)), { now: ctx.now });

  const wait = parsed.data.cutoverWaitHours ?? null;
  if (wait !== null && mode !== 'rotate')
    throw new RekeyError(
      'BAD_INPUT',
      'Waiting for the vendor’s cutover applies to Rotate key only: re-establishing removes the old credential first.',
    );
  const cutoverHours = cutoverHoursFor(wait, campaignId, connector.status);
  const facts = startFacts(mode, recreate, cert.sha1Thumbprint, connector, cutoverHours);
  try {
    // Raw statements only, in a transaction on the pool directly (lib/db.ts directTransaction): a
    // campaign starts one rotation per connector.
    const rotation = await directTransaction(ctx.db, async (tx) => {
      const stepActor = parsed.data.delegated ? { label: ctx.actor.label, clientIp: ctx.actor.clientIp ?? null } : null;
      const [created] = await tx.$queryRaw<Rotation[]>`
        WITH r AS (
          INSERT INTO "Rotation" ("id", "connectorId", "campaignId", "mode", "state", "step", "startStatus",
            "fromCertificateId", "toCertificateId", "facts", "actorId", "actorLabel", "stepActor", "createdAt")
          VALUES (${randomUUID()}::uuid, ${connectorId}::uuid, ${campaignId ?? null}::uuid, ${mode}::"RotationMode",
            'PENDING', 'preflight', ${connector.status}::"ConnectorStatus", ${connector.currentCertificateId}::uuid,
            ${cert.id}::uuid, ${JSON.stringify(facts)}::jsonb, ${ctx.actor.id}::uuid, ${ctx.actor.label},
            ${stepActor === null ? null : JSON.stringify(stepActor)}::jsonb, ${utcTimestamp(ctx.now)})
          RETURNING *
        )
        SELECT ${ROTATION_COLUMNS} FROM r`;
      if (!created) throw new RekeyError('INTERNAL', 'The rotation was not inserted.');
      // The checks above read the connector outside this transaction; a rotation that finished
      // meanwhile may already have moved it to this certificate (two overlapping campaigns would
      // then rotate it twice). Re-read it AFTER the insert: had that rotation still been finishing,
      // the one-active index would have made the insert wait for its commit (or refused it), so
      // this read sees its result. (Reading first under a row lock could deadlock with it.)
      const [current] = await tx.$queryRaw<
        { currentCertificateId: string | null }[]
      >`SELECT "currentCertificateId" FROM "Connector" WHERE id = ${connectorId}::uuid`;
      if (current?.currentCertificateId === cert.id) {
        throw new RekeyError(
          'BAD_INPUT',
          `Certificate ${cert.sha1Thumbprint} is already the current certificate of ${connector.displayName}; choose a new one.`,
        );
      }
      if ((current?.currentCertificateId ?? null) !== connector.currentCertificateId) {
        throw new RekeyError(
          'CONFLICT',
          `Connector ${connector.displayName} (${connectorId}) changed certificate while this rotation was being started (another rotation finished); start it again.`,
          { connectorId },
        );
      }
      await appendAuditEvent(
        tx,
        ctx.actor,
        rotationStartedEvent(created.id, connector, mode, facts, campaignId ?? null, cutoverHours),
        ctx.now,
      );
      await enqueueAdvance(tx, created.id);
      return created;
    });
    if (opts.notify ?? true) notifyJobQueued(ROTATION_ADVANCE_QUEUE.name);
    return rotation;
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new RekeyError(
        'CONFLICT',
        `Connector ${connector.displayName} (${connectorId}) already has an active rotation (${await describeActiveRotation(ctx.db, connectorId)}); wait for it to finish or cancel it.`,
        { connectorId },
      );
    }
    throw e;
  }
}
