/**
 * Runs the next steps of one rotation: take the rotation's lock, then for each step run it
 * against the tenant (outside any database transaction) and in one transaction persist its
 * outcome — rotation row (version-checked), step history, audit event, connector updates. When a
 * step succeeds and the next may run at once, the same run goes on with it: under the same lock
 * when it follows at once, else after letting go of the lock for the settle wait and re-reading
 * the rotation, so a cancel in between is seen (reads of the tenant are reused until the next
 * write, see reuse-reads-port.ts); otherwise the transaction queues the next `rotation.advance` (a retry
 * after a backoff, or a run that hit `maxSteps`). A crash before a commit leaves the rotation at
 * that step; the rotation sweep (at worker start and every minute) queues it again and the step
 * re-reads the tenant and finishes what the crashed run started without duplicating anything.
 */
import { randomUUID } from 'node:crypto';
import {
  appendAuditEvents,
  auditEventsJson,
  SYSTEM_ACTOR,
  type Actor,
  type AuditInput,
} from '@/lib/audit/append-audit-event';
import { db, directQuery, directTransaction, Prisma, utcTimestamp } from '@/lib/db';
import { factsFromObserved, toObservedCredentialsJson } from '@/lib/detection/observed-credentials';
import type { ObservedCredential } from '@/lib/graph/describe-key-credential';
import { RekeyError, isRekeyError } from '@/lib/errors';
import { isTransient } from '@/lib/graph/graph-errors';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import {
  READS_BACK_A_WRITE,
  isTerminal,
  transition,
  type MachineEvent,
  type StepError,
  type StepName,
} from '@/lib/rotation/machine';
import { BUSY_RECHECK_MS, ROTATION_ADVANCE_QUEUE, enqueueAdvance } from '@/lib/rotation/rotation-advance-queue';
import { rotationDeps, type RotationDeps } from '@/lib/rotation/rotation-deps';
import { mergeFacts, readFacts, type RotationFacts } from '@/lib/rotation/rotation-facts';
import { rotationEvents, type RotationRef } from '@/lib/rotation/rotation-events';
import { withRotationLease } from '@/lib/rotation/rotation-lease';
import type { StepGroup } from '@/lib/rotation/step-group';
import { reuseReads } from '@/lib/rotation/reuse-reads-port';
import {
  buildStepContext,
  loadRotation,
  machineStateOf,
  reloadRotationRow,
  ROTATION_COLUMNS,
  type LoadedRotation,
  type RotationRow,
  type OpenedCertificates,
} from '@/lib/rotation/load-rotation';
import { STEP_HANDLERS } from '@/lib/rotation/steps/step-handlers';
import { StepFailure, describeError, type StepSuccess } from '@/lib/rotation/steps/step-context';
import type { RotationGraphPort } from '@/lib/rotation/graph-port';

/** Whom a rotation's steps act for (Rotation.stepActor): a delegated rotation's customer admin, else system. */
function stepActorOf(v: unknown): Actor {
  const a = v as { label?: unknown; clientIp?: unknown } | null;
  return a && typeof a.label === 'string'
    ? { id: null, label: a.label, clientIp: typeof a.clientIp === 'string' ? a.clientIp : null }
    : SYSTEM_ACTOR;
}

export type AdvanceOutcome =
  /** Another process holds the rotation's lock; it will queue what follows. */
  | { kind: 'busy' }
  | { kind: 'not_found' }
  /** Nothing to run: finished, or waiting for an admin. */
  | { kind: 'idle'; state: string }
  /** A backoff is still running; the job was queued again for then. */
  | { kind: 'not_due'; at: Date }
  /** The rotation changed underneath (e.g. cancelled mid-step); the result was discarded. */
  | { kind: 'stale'; reason: string }
  /** `step` is the last step run; `steps` every step this run ran, in order. */
  | { kind: 'stepped'; step: string; state: string; nextStep: string; steps: string[] };

export interface AdvanceOptions {
  /** Steps one run may take before it hands over to a queued job (default 16). */
  maxSteps?: number;
  /**
   * Called when the run has let go of the lock between two steps (before a step that reads back a
   * write), before it takes the lock for the next step (tests use it to interleave what an admin
   * or another worker may do at that moment).
   */
  betweenSteps?: (stepsSoFar: readonly string[]) => Promise<void>;
  /**
   * Rotations advancing side by side in this process (their jobs fetched together): their locks,
   * re-reads and single-statement commits go together (step-group.ts). The caller leaves the group
   * when this returns.
   */
  group?: StepGroup;
}

const DEFAULT_MAX_STEPS = 16;

/** Queues the next advance for a rotation inside `tx` (one waiting job per rotation). */

/**
 * Transient failures that mean Entra has not replicated a write yet (a read or the token endpoint
 * does not show it): the machine retries these sooner first (RetryPolicy.replicationDelaysMs).
 */
export const REPLICATION_CODES: ReadonlySet<string> = new Set([
  'NEW_CREDENTIAL_NOT_VISIBLE',
  'OLD_CREDENTIAL_PRESENT',
  'OLD_CREDENTIAL_STILL_WORKS',
  'STALE_READ',
  'AADSTS700027',
  'NotReplicatedYet',
]);

function transientEvent(code: string, message: string, jitterMs: number): MachineEvent {
  return {
    type: 'step_failed_transient',
    code,
    message,
    jitterMs,
    ...(REPLICATION_CODES.has(code) ? { replication: true } : {}),
  };
}

function toEvent(e: unknown, jitterMs: number): MachineEvent {
  if (e instanceof StepFailure) {
    return e.transient
      ? transientEvent(e.code, e.message, jitterMs)
      : { type: 'step_failed_permanent', code: e.code, message: e.message };
  }
  if (isRekeyError(e)) {
    const code = e.code === 'GRAPH_ERROR' && typeof e.details?.graphCode === 'string' ? e.details.graphCode : e.code;
    return isTransient(e)
      ? transientEvent(code, e.message, jitterMs)
      : { type: 'step_failed_permanent', code, message: e.message };
  }
  return { type: 'step_failed_permanent', code: 'INTERNAL', message: `Unexpected error: ${describeError(e)}` };
}

/** Whether a cutover wait saw the same as last time (same counts, same unknown sign-ins, same log state). */
function sameSighting(before: RotationFacts, after: RotationFacts): boolean {
  const a = before.cutover?.lastCheck;
  const b = after.cutover?.lastCheck;
  if (!a || !b) return false;
  return (
    a.logs === b.logs &&
    a.detail === b.detail &&
    a.vendorSignIns === b.vendorSignIns &&
    a.unknownSignIns === b.unknownSignIns &&
    // Field by field: the stored facts come back from jsonb with their keys in another order.
    a.unknown.length === b.unknown.length &&
    a.unknown.every(
      (x, i) =>
        x.signInId === b.unknown[i]!.signInId && x.at === b.unknown[i]!.at && x.ipAddress === b.unknown[i]!.ipAddress,
    )
  );
}

function storedError(r: LoadedRotation): StepError | null {
  return r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '' } : null;
}

export async function advanceRotation(
  rotationId: string,
  depsIn?: RotationDeps,
  opts: AdvanceOptions = {},
): Promise<AdvanceOutcome> {
  const deps = depsIn ?? (await rotationDeps());
  const maxSteps = Math.max(1, opts.maxSteps ?? DEFAULT_MAX_STEPS);
  const run: RunMemory = {
    loaded: null,
    expectVersion: null,
    committed: null,
    opened: new Map(),
    graph: reuseReads(deps.graph),
    base: deps.graph,
    group: opts.group ?? null,
  };
  const steps: string[] = [];
  /** When the job this run queued last is due (null: it queued none — finished, or waits for a person). */
  let queued: Date | null = null;
  let prev: Extract<StepOutcome, { kind: 'stepped' }> | null = null;
  let value: AdvanceOutcome;
  const settleMs = deps.retryPolicy.settleMs ?? 0;
  const lease = opts.group
    ? opts.group.withLease.bind(opts.group)
    : (id: string, fn: () => Promise<StepOutcome[]>) => withRotationLease(id, fn);
  for (;;) {
    // Reading back the previous step's write at once would mostly see the old state (replication):
    // give Entra the settle time first. Outside the lock, like any moment between two steps: an
    // admin's cancel gets in, and a crash leaves the rotation at the read-back for the sweep.
    if (prev && settleMs > 0 && READS_BACK_A_WRITE.has(prev.nextStep as StepName)) {
      const wait = prev.endedAt + settleMs - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    }
    if (steps.length > 0) await opts.betweenSteps?.(steps);
    // The lock is let go of before a step that reads back a write (during the settle wait), so an
    // admin's cancel (which takes it too) gets in there; the next step then sees it when it
    // re-reads the rotation. Steps that follow one another at once keep it: nothing can get in
    // between them, and the row their commit returned is the rotation as it is (every writer of a
    // rotation holds its lock), so the next step needs no re-read.
    const leased = await lease(rotationId, async () => {
      const outs: StepOutcome[] = [];
      try {
        for (;;) {
          const out = await runOneStep(
            rotationId,
            { ...deps, graph: run.graph },
            steps.length + outs.length + 1 < maxSteps,
            run,
          );
          outs.push(out);
          if (out.kind !== 'stepped' || !out.goOn || READS_BACK_A_WRITE.has(out.nextStep as StepName)) return outs;
        }
      } finally {
        // Once the lock is let go of, the row the last commit returned may be stale: read it again.
        run.committed = null;
      }
    });
    if (!leased.acquired) {
      if (!prev) return { kind: 'busy' };
      // Taken between two steps of this run (a cancel, another worker): whoever holds it goes on
      // from there; a job looks again shortly in case that holder dies before queueing anything.
      const recheck = new Date(Date.now() + BUSY_RECHECK_MS);
      await db.$transaction((tx) => enqueueAdvance(tx, rotationId, recheck));
      queued = recheck;
      value = { kind: 'stepped', step: prev.step, state: prev.state, nextStep: prev.nextStep, steps };
      break;
    }
    let ended: AdvanceOutcome | null = null;
    for (const out of leased.value) {
      // A later step that finds nothing to do (e.g. cancelled in between) ends the run with what it did.
      if (out.kind !== 'stepped') {
        ended = prev ? { kind: 'stepped', step: prev.step, state: prev.state, nextStep: prev.nextStep, steps } : out;
        break;
      }
      steps.push(out.step);
      prev = out;
      queued = out.queuedFor;
      if (!out.goOn) ended = { kind: 'stepped', step: out.step, state: out.state, nextStep: out.nextStep, steps };
    }
    if (ended) {
      value = ended;
      break;
    }
  }
  // Wake this process's worker for the job queued last: now, or when it is due (a short backoff).
  // A run that queued nothing (the rotation finished or waits for a person) wakes nobody: a fetch
  // then would find nothing to do.
  if (value.kind === 'not_due') notifyJobQueued(ROTATION_ADVANCE_QUEUE.name, value.at);
  else if (value.kind === 'stepped' && queued) notifyJobQueued(ROTATION_ADVANCE_QUEUE.name, queued);
  return value;
}

type StepOutcome =
  | Exclude<AdvanceOutcome, { kind: 'stepped' }>
  | {
      kind: 'stepped';
      step: string;
      state: string;
      nextStep: string;
      goOn: boolean;
      /** When the job this step queued is due (null: none queued). */
      queuedFor: Date | null;
      /** When the step committed (ms since the epoch, real time: the settle wait is real time). */
      endedAt: number;
    };

/**
 * What one run of steps keeps between them: the rotation as last loaded (and the version its last
 * commit left), the opened certificates, and the tenant reads (reuse-reads-port.ts).
 */
interface RunMemory {
  loaded: LoadedRotation | null;
  expectVersion: number | null;
  /**
   * The rotation row as the last step's commit returned it, kept only while the run holds the lock
   * since that commit: then it is the rotation as it is, and the next step does not read it again.
   */
  committed: RotationRow | null;
  opened: OpenedCertificates;
  graph: RotationGraphPort;
  base: RotationGraphPort;
  group: StepGroup | null;
}

async function runOneStep(
  rotationId: string,
  deps: RotationDeps,
  mayGoOn: boolean,
  run: RunMemory,
): Promise<StepOutcome> {
  let r = !run.loaded
    ? await loadRotation(rotationId)
    : run.committed
      ? { ...run.loaded, ...run.committed }
      : run.group
        ? await reloadInGroup(run.group, run.loaded)
        : await reloadRotationRow(run.loaded);
  run.committed = null;
  if (r && run.loaded && r.version !== run.expectVersion) {
    // Someone else moved the rotation between two steps of this run (an admin, another worker):
    // nothing this run remembers may be trusted — load it all and read the tenant afresh.
    run.graph = reuseReads(run.base);
    deps = { ...deps, graph: run.graph };
    r = await loadRotation(rotationId);
  }
  run.loaded = null;
  if (!r) return { kind: 'not_found' };
  if (!(r.state === 'PENDING' || r.state === 'RUNNING' || r.state === 'WAITING') || r.step === 'done')
    return { kind: 'idle', state: r.state };
  const started = deps.clock();
  if (r.nextAttemptAt && r.nextAttemptAt.getTime() > started.getTime()) {
    const at = r.nextAttemptAt;
    await db.$transaction((tx) => enqueueAdvance(tx, r.id, at));
    return { kind: 'not_due', at };
  }

  const machine = machineStateOf(r);
  const handler = STEP_HANDLERS[machine.step as Exclude<typeof machine.step, 'done'>];
  if (!handler) throw new RekeyError('INTERNAL', `Rotation ${r.id} is at unknown step "${r.step}".`);

  let success: StepSuccess | null = null;
  let event: MachineEvent;
  try {
    const ctx = await buildStepContext(r, deps, started, run.opened);
    success = await handler(ctx);
    event = success.waitUntil
      ? { type: 'step_waiting', recheckAt: success.waitUntil }
      : { type: 'step_succeeded', ...(success.plan ? { plan: success.plan } : {}) };
  } catch (e) {
    event = toEvent(e, deps.jitterMs());
  }
  const now = deps.clock();
  const durationMs = now.getTime() - started.getTime();
  const result = transition(machine, event, now, deps.retryPolicy, storedError(r));
  if (!result.ok) return { kind: 'stale', reason: result.reason };

  const facts = mergeFacts(mergeFacts(readFacts(r.facts), success?.facts), { plan: result.plan });
  const outcome =
    event.type === 'step_succeeded'
      ? 'succeeded'
      : event.type === 'step_waiting'
        ? 'waiting'
        : event.type === 'step_failed_transient'
          ? 'failed_transient'
          : 'failed_permanent';
  // Go on in this run with the next step (instead of queueing a job for it) when it may start now.
  const goOn =
    mayGoOn &&
    event.type === 'step_succeeded' &&
    result.state === 'RUNNING' &&
    result.effects.some((x) => x.type === 'enqueue_advance' && x.runAt.getTime() <= now.getTime());
  // A wait that looked again and saw nothing new writes only the rotation row: no step row or audit
  // event per look (a 72-hour wait looks hundreds of times; the tenant did not change).
  const quietRecheck =
    event.type === 'step_waiting' &&
    r.state === 'WAITING' &&
    r.step === result.step &&
    sameSighting(readFacts(r.facts), facts);
  const message =
    success?.message ??
    (event.type === 'step_failed_transient' || event.type === 'step_failed_permanent' ? event.message : '');

  let queuedFor: Date | null = null;
  let committed: RotationRow | null = null;
  const afterCommit: (() => void)[] = [];
  const meta = { now, afterCommit: (fn: () => void) => void afterCommit.push(fn) };
  const ref: RotationRef = {
    id: r.id,
    campaignId: r.campaignId,
    connectorId: r.connectorId,
    tenantId: r.connector.tenantId,
  };
  // Raw statements for the writes every step makes (a typed Prisma query costs several times the
  // CPU; this is the engine's hottest path). Timestamps are UTC, as Prisma writes them.
  const markStarted = result.effects.some((x) => x.type === 'mark_started');
  const markFinished = result.effects.some((x) => x.type === 'mark_finished');
  const detail = {
    attempt: r.attempts + 1,
    ...('code' in event ? { code: event.code } : {}),
    next: { state: result.state, step: result.step },
  };
  const stepId = randomUUID();
  // The version-checked update and the step's history row, as the CTEs of the statement that
  // commits the step (no history row for a wait that saw nothing new); 0 rows moved means someone
  // else moved the rotation meanwhile.
  const movedCte = ({ moved, step }: { moved: string; step: string }) => Prisma.sql`
      ${Prisma.raw(moved)} AS (
        UPDATE "Rotation" AS r SET
          "state" = ${result.state}::"RotationState", "step" = ${result.step}, "attempts" = ${result.attempts},
          "nextAttemptAt" = ${utcTimestamp(result.nextAttemptAt)},
          "errorCode" = ${result.error?.code ?? null}, "errorMessage" = ${result.error?.message ?? null},
          "facts" = ${JSON.stringify(facts)}::jsonb, "version" = "version" + 1,
          "startedAt" = CASE WHEN ${markStarted} THEN ${utcTimestamp(started)} ELSE "startedAt" END,
          "finishedAt" = CASE WHEN ${markFinished} THEN ${utcTimestamp(now)} ELSE "finishedAt" END
        WHERE r."id" = ${r.id}::uuid AND r."version" = ${r.version}
        RETURNING ${ROTATION_COLUMNS}
      ), ${Prisma.raw(step)} AS (
        INSERT INTO "RotationStep" ("id", "rotationId", "step", "outcome", "message", "at", "durationMs", "detail")
        SELECT ${stepId}::uuid, ${r.id}::uuid, ${r.step}, ${outcome}, ${message}, ${utcTimestamp(now)}, ${durationMs}, ${JSON.stringify(detail)}::jsonb
        FROM ${Prisma.raw(moved)} WHERE NOT ${quietRecheck}
      )`;
  const movedSql = movedCte({ moved: 'moved', step: 'step' });
  // A delegated rotation's steps act with the customer admin's token: audited as that admin.
  const actor = stepActorOf(r.stepActor);
  const audit: AuditInput[] = [
    {
      action: `rotation.step.${r.step}`,
      targetType: 'rotation',
      targetId: r.id,
      tenantId: r.connector.tenantId,
      before: { state: r.state, step: r.step, attempts: r.attempts },
      after: {
        state: result.state,
        step: result.step,
        outcome,
        message,
        ...(result.error ? { error: result.error } : {}),
        ...(success?.facts ? { facts: success.facts } : {}),
      },
    },
  ];
  if (isTerminal(result.state))
    audit.push({
      action: `rotation.${result.state.toLowerCase()}`,
      targetType: 'rotation',
      targetId: r.id,
      tenantId: r.connector.tenantId,
      after: { state: result.state, error: result.error },
    });
  // A step that only moves the rotation on (no connector write, no event for others, no job:
  // the run goes on, or waits for a person) commits in ONE statement: data-modifying CTEs and the
  // audit append are one atomic statement, its deferred audit trigger runs at its commit. Four
  // round trips and Prisma's transaction machinery fewer, on four of a rotation's five steps.
  const alone =
    !quietRecheck &&
    !success?.connection &&
    !isTerminal(result.state) &&
    result.state !== 'NEEDS_ATTENTION' &&
    (goOn || !result.effects.some((x) => x.type === 'enqueue_advance'));
  try {
    if (alone && run.group) {
      committed = await run.group.commitAlone({ cte: movedCte, events: auditEventsJson(actor, audit, now) });
      if (!committed) throw new RekeyError('CONFLICT', 'The rotation changed while its step ran.');
    } else if (alone) {
      const moved = await directQuery<RotationRow & { staged: number }>(Prisma.sql`
        WITH ${movedSql}
        SELECT audit_append(${auditEventsJson(actor, audit, now)}::jsonb) AS "staged", moved.* FROM moved`);
      if (moved.length !== 1) throw new RekeyError('CONFLICT', 'The rotation changed while its step ran.');
      const { staged: _staged, ...row } = moved[0]!;
      committed = row;
    } else {
      // Raw statements on a connection of the pool, not Prisma's interactive transaction (its
      // per-request plan and transaction manager cost several times the statements): the
      // subscribers below write raw statements too, and a typed call would fail loudly here.
      const body = async (tx: Prisma.TransactionClient) => {
        const moved = await tx.$queryRaw<unknown[]>`WITH ${movedSql} SELECT 1 AS "moved" FROM moved`;
        if (moved.length !== 1) throw new RekeyError('CONFLICT', 'The rotation changed while its step ran.');
        if (quietRecheck) {
          for (const eff of result.effects)
            if (eff.type === 'enqueue_advance') await enqueueAdvance(tx, r.id, eff.runAt);
          return;
        }
        if (success?.connection) {
          await tx.$executeRaw`
            UPDATE "Connector" SET "appId" = ${success.connection.appId}, "appObjectId" = ${success.connection.appObjectId},
              "spObjectId" = ${success.connection.spObjectId}, "missingSince" = NULL, "updatedAt" = ${utcTimestamp(new Date())}
            WHERE "id" = ${r.connectorId}::uuid`;
        }
        if (result.state === 'SUCCEEDED') {
          // What the last verification read is now what the tenant holds; re-classify from it.
          const after = (facts as { after?: { at: string; app: ObservedCredential[]; sp: ObservedCredential[] } })
            .after;
          // The verification reads certificates only: client secrets and federated credentials seen
          // by the last scan stay on record (a rotation does not remove them; they stay drift), kept
          // by the UPDATE itself (entries with a `kind`, as readObservedCredentials keeps them).
          const observed = after
            ? JSON.stringify(toObservedCredentialsJson([...after.app, ...after.sp].map(factsFromObserved)))
            : null;
          // Raw, as the step's own writes above; with no verification read, the observed state stays.
          await tx.$executeRaw`
          UPDATE "Connector" SET
            "currentCertificateId" = ${r.toCertificateId}::uuid,
            "expectedThumbprints" = ARRAY[${r.toCertificate.sha1Thumbprint.toUpperCase()}]::text[],
            "observedCredentials" = CASE WHEN ${observed !== null} THEN ${observed}::jsonb || COALESCE((
              SELECT jsonb_agg(x.e ORDER BY x.i)
              FROM jsonb_array_elements(CASE WHEN jsonb_typeof("observedCredentials") = 'array' THEN "observedCredentials" ELSE '[]'::jsonb END)
                   WITH ORDINALITY AS x(e, i)
              WHERE x.e->>'kind' IN ('secret', 'federated')), '[]'::jsonb) ELSE "observedCredentials" END,
            "observedAt" = CASE WHEN ${observed !== null} THEN ${utcTimestamp(after ? new Date(after.at) : null)} ELSE "observedAt" END,
            "driftDetail" = CASE WHEN ${observed !== null} THEN NULL ELSE "driftDetail" END,
            "updatedAt" = ${utcTimestamp(new Date())}
          WHERE "id" = ${r.connectorId}::uuid`;
          // Detection re-classifies from what the last verification read (in this transaction).
          await rotationEvents.publish(
            tx,
            { type: 'connector.changed', connectorId: r.connectorId, reason: 'rotation.succeeded' },
            meta,
          );
        }
        // Campaigns record the outcome and dispatch the next rotation; notifications tell people.
        const errorMessage = result.error?.message ?? null;
        if (isTerminal(result.state))
          await rotationEvents.publish(
            tx,
            { type: 'rotation.finished', rotation: ref, state: result.state, errorMessage },
            meta,
          );
        else if (result.state === 'NEEDS_ATTENTION')
          await rotationEvents.publish(
            tx,
            { type: 'rotation.needs_attention', rotation: ref, entered: r.state !== 'NEEDS_ATTENTION', errorMessage },
            meta,
          );
        if (!goOn)
          for (const eff of result.effects)
            if (eff.type === 'enqueue_advance') {
              await enqueueAdvance(tx, r.id, eff.runAt);
              queuedFor = eff.runAt;
            }
        // The step's event (and the rotation's end, both built above) in one append — one chain lock
        // and head read — and last, so the chain lock, which every audited transaction waits for, is
        // held only until the commit that follows.
        await appendAuditEvents(tx, actor, audit, now);
      };
      // A rotation's end in a step group commits with the other members' ends (one transaction;
      // step-group.ts): the end is once per rotation, and each transaction costs its BEGIN and
      // COMMIT and the audit chain's lock and checkpoint at commit.
      if (run.group && isTerminal(result.state)) await run.group.commitEnd(body);
      else await directTransaction(db, body);
    }
  } catch (e) {
    if (isRekeyError(e) && e.code === 'CONFLICT') return { kind: 'stale', reason: e.message };
    throw e;
  }
  for (const fn of afterCommit) fn();
  // The next step of this run re-reads only the rotation row (unless the connector changed).
  if (goOn && !success?.connection) {
    run.loaded = r;
    run.expectVersion = r.version + 1;
    run.committed = committed;
  }
  return {
    kind: 'stepped',
    step: r.step,
    state: result.state,
    nextStep: result.step,
    goOn,
    queuedFor,
    endedAt: Date.now(),
  };
}

/** The rotation row re-read with the other members of its group (one statement for all). */
async function reloadInGroup(group: StepGroup, prev: LoadedRotation): Promise<LoadedRotation | null> {
  const row = await group.reload(prev.id);
  return row ? { ...prev, ...row } : null;
}
