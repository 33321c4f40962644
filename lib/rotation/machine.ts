/**
 * The rotation state machine: which step runs next, what a step's outcome does to the rotation,
 * and when an admin may cancel or retry. Pure — no database, no Graph, no clock (`now` is a
 * parameter, jitter comes in with the event). The engine (advance-rotation.ts) persists what
 * `transition` returns and carries out its effects in the same transaction.
 *
 * Plans (ordered steps; `done` is the terminal marker):
 * - rotate (make-before-break): preflight → add_new → verify_new → [await_cutover] → remove_old →
 *   verify_old_gone. `await_cutover` runs only when the rotation waits for the vendor's cutover
 *   (MachineState.cutover, ADR 022): the old key stays until the vendor's service is seen using the
 *   new one, an admin confirms, or the deadline passes; otherwise verify_new goes on to remove_old.
 * - reestablish_credential: preflight → remove_old → add_new → verify_new → verify_old_gone
 * - reestablish_recreate: preflight → snapshot_connection → delete_connection →
 *   recreate_connection → add_new → restore_consent → verify_new → verify_old_gone
 * Side paths: rollback_remove_new (verification of the new key failed in rotate mode → ROLLED_BACK)
 * and cancel_remove_new (cancelled after the new key may have been added → CANCELLED).
 */

export const ROTATION_STATES = [
  'PENDING',
  'RUNNING',
  'WAITING',
  'NEEDS_ATTENTION',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'ROLLED_BACK',
] as const;
export type RotationState = (typeof ROTATION_STATES)[number];
export type RotationMode = 'rotate' | 'reestablish';
export type PlanName = 'rotate' | 'reestablish_credential' | 'reestablish_recreate';

export const ACTIVE_STATES = [
  'PENDING',
  'RUNNING',
  'WAITING',
  'NEEDS_ATTENTION',
] as const satisfies readonly RotationState[];
export const TERMINAL_STATES = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'ROLLED_BACK',
] as const satisfies readonly RotationState[];

export type StepName =
  | 'preflight'
  | 'add_new'
  | 'verify_new'
  | 'await_cutover'
  | 'remove_old'
  | 'verify_old_gone'
  | 'snapshot_connection'
  | 'delete_connection'
  | 'recreate_connection'
  | 'restore_consent'
  | 'rollback_remove_new'
  | 'cancel_remove_new'
  | 'done';

export const PLANS: Record<PlanName, readonly StepName[]> = {
  rotate: ['preflight', 'add_new', 'verify_new', 'await_cutover', 'remove_old', 'verify_old_gone', 'done'],
  reestablish_credential: ['preflight', 'remove_old', 'add_new', 'verify_new', 'verify_old_gone', 'done'],
  reestablish_recreate: [
    'preflight',
    'snapshot_connection',
    'delete_connection',
    'recreate_connection',
    'add_new',
    'restore_consent',
    'verify_new',
    'verify_old_gone',
    'done',
  ],
};

/** Steps whose handler may report "not yet" (step_waiting) instead of succeeding or failing. */
export const WAITING_STEPS: ReadonlySet<StepName> = new Set(['await_cutover']);
/** Steps after which the old connection cannot be restored by Rekey. */
export const DESTRUCTIVE_STEPS: ReadonlySet<StepName> = new Set(['remove_old', 'delete_connection']);
/** Side-path steps and the terminal state each leads to. */
const SIDE_PATHS: Partial<Record<StepName, RotationState>> = {
  rollback_remove_new: 'ROLLED_BACK',
  cancel_remove_new: 'CANCELLED',
};

/** The default longest wait for the vendor's cutover (ADR 022: covers a weekend change freeze). */
export const DEFAULT_CUTOVER_WAIT_HOURS = 72;
export const MAX_CUTOVER_WAIT_HOURS = 720;

/**
 * A routine rotation (the connector is not compromised or targeted) waits for the vendor's cutover
 * by default; an emergency rotation of a compromised key does not keep the old key a minute longer.
 */
export function isRoutineStatus(status: string | null | undefined): boolean {
  return status !== 'compromised' && status !== 'targeted';
}

export function planFor(mode: RotationMode, recreate = false): PlanName {
  if (mode === 'rotate') return 'rotate';
  return recreate ? 'reestablish_recreate' : 'reestablish_credential';
}

export function isActive(state: RotationState): boolean {
  return (ACTIVE_STATES as readonly RotationState[]).includes(state);
}

export function isTerminal(state: RotationState): boolean {
  return (TERMINAL_STATES as readonly RotationState[]).includes(state);
}

export interface RetryPolicy {
  /** Failed attempts of one step (transient) before the rotation stops for an admin. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Entra has not replicated a write yet (a read or the token endpoint does not show it): the
   * first attempts wait these delays — a replica usually catches up within a second — and only
   * then the backoff above, with all of its attempts still to come. A rotation is never less
   * patient with the lag than without these; it only looks again sooner.
   */
  replicationDelaysMs?: readonly number[];
  /**
   * Before a step reads back what the step just before it wrote, in the same run
   * (READS_BACK_A_WRITE), the run waits this long after that write (default 0). Entra usually
   * replicates within a second; a read sooner mostly sees the old state, fails, and costs a retry:
   * a step, an audit event, a job and more Graph requests for nothing. A lag longer than this is
   * still met by the retries above.
   */
  settleMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 5_000,
  maxDelayMs: 5 * 60_000,
  replicationDelaysMs: [500, 1_000, 2_000],
  settleMs: 500,
};

/** Steps that read back the tenant after a write (the new key is there; the old key is gone). */
export const READS_BACK_A_WRITE: ReadonlySet<StepName> = new Set(['verify_new', 'verify_old_gone']);

/** What the machine needs to know about a rotation. */
export interface MachineState {
  state: RotationState;
  step: StepName;
  plan: PlanName;
  /** Consecutive failed attempts of the current step. */
  attempts: number;
  /** The rotation waits for the vendor's cutover before removing the old key (rotate plan only). */
  cutover?: boolean;
}

export interface StepError {
  /** Machine-readable, e.g. GRAPH_FORBIDDEN, AADSTS700027. */
  code: string;
  /** What happened, in a sentence an admin understands. */
  message: string;
}

export type MachineEvent =
  /** `plan` lets preflight switch between the two re-establish variants (e.g. the app is gone). */
  | { type: 'step_succeeded'; plan?: PlanName }
  /** The step's condition is not met yet (await_cutover): run it again at `recheckAt`, no attempt counted. */
  | { type: 'step_waiting'; recheckAt: Date }
  /** `replication`: Entra has not replicated a write yet (retried sooner first, RetryPolicy.replicationDelaysMs). */
  | ({ type: 'step_failed_transient'; jitterMs: number; replication?: boolean } & StepError)
  | ({ type: 'step_failed_permanent' } & StepError)
  | { type: 'cancel' }
  | { type: 'retry' };

export type Effect =
  /** Enqueue `rotation.advance` to run at `runAt`. */
  | { type: 'enqueue_advance'; runAt: Date }
  /** First step started: set `startedAt`. */
  | { type: 'mark_started' }
  /** Terminal state reached: set `finishedAt`. */
  | { type: 'mark_finished' };

export type TransitionResult =
  | {
      ok: true;
      state: RotationState;
      step: StepName;
      plan: PlanName;
      attempts: number;
      nextAttemptAt: Date | null;
      /** null clears the stored error. */
      error: StepError | null;
      effects: Effect[];
    }
  | { ok: false; reason: string };

function indexIn(plan: PlanName, step: StepName): number {
  return PLANS[plan].indexOf(step);
}

/** Steps of the plan up to and including the current one (what may already have happened). */
function stepsReached(s: Pick<MachineState, 'plan' | 'step'>): StepName[] {
  const i = indexIn(s.plan, s.step);
  return i < 0 ? [...PLANS[s.plan]] : PLANS[s.plan].slice(0, i + 1);
}

/** Steps that run only when asked for: await_cutover when the rotation waits for the vendor's cutover. */
function skipped(step: StepName, cutover: boolean): boolean {
  return step === 'await_cutover' && !cutover;
}

/** The plan's steps as this rotation runs them (without await_cutover unless it waits for the cutover). */
export function planStepsOf(plan: PlanName, cutover = false): StepName[] {
  return PLANS[plan].filter((st) => !skipped(st, cutover));
}

export function nextStep(plan: PlanName, step: StepName, cutover = false): StepName {
  const i = indexIn(plan, step);
  if (i < 0) throw new Error(`step ${step} has no successor in plan ${plan}`);
  const next = PLANS[plan].slice(i + 1).find((st) => !skipped(st, cutover));
  if (!next) throw new Error(`step ${step} has no successor in plan ${plan}`);
  return next;
}

/** Whether a destructive step may have run (it is the current step or lies behind it). */
export function destructiveStepReached(s: Pick<MachineState, 'plan' | 'step'>): boolean {
  if (SIDE_PATHS[s.step]) return false;
  return stepsReached(s).some((st) => DESTRUCTIVE_STEPS.has(st));
}

/** Exponential backoff: base·2^(n−1), capped, plus the caller's jitter. */
export function backoffMs(failedAttempts: number, jitterMs: number, policy: RetryPolicy): number {
  const exp = policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1);
  return Math.min(policy.maxDelayMs, exp) + Math.max(0, jitterMs);
}

/**
 * The wait before the next attempt and how many attempts the step gets, after `failedAttempts`
 * failures of which the last was `replication` (Entra has not replicated a write yet) or not:
 * replication failures first wait `replicationDelaysMs` (jitter at most a fifth of each), then
 * the exponential backoff with its `maxAttempts` attempts on top.
 */
export function retryPlan(
  failedAttempts: number,
  jitterMs: number,
  policy: RetryPolicy,
  replication: boolean,
): { delayMs: number; maxAttempts: number } {
  const fast = replication ? (policy.replicationDelaysMs ?? []) : [];
  const quick = fast[failedAttempts - 1];
  if (quick !== undefined)
    return {
      delayMs: quick + Math.min(Math.max(0, jitterMs), Math.floor(quick / 5)),
      maxAttempts: policy.maxAttempts + fast.length,
    };
  return {
    delayMs: backoffMs(failedAttempts - fast.length, jitterMs, policy),
    maxAttempts: policy.maxAttempts + fast.length,
  };
}

// ─── Cancel rules: ordered checks, first hit wins ────────────────────────────────────────

interface CancelRule {
  name: string;
  /** A refusal message when the rule forbids cancelling, else null. */
  refuse(s: MachineState): string | null;
}

export const CANCEL_RULES: readonly CancelRule[] = [
  {
    name: 'alreadyFinished',
    refuse: (s) => (isTerminal(s.state) ? `The rotation has already finished (${s.state}).` : null),
  },
  {
    name: 'alreadyUndoing',
    refuse: (s) =>
      SIDE_PATHS[s.step] ? 'The rotation is already removing the new credential again; wait for it to finish.' : null,
  },
  {
    name: 'destructiveStepReached',
    refuse: (s) =>
      destructiveStepReached(s)
        ? s.plan === 'rotate'
          ? 'The old credential may already have been removed, so cancelling could leave the connector without a working credential. Retry the rotation to finish it.'
          : 'The old connection or credential may already have been removed; cancelling now would leave the connector broken. Retry the rotation to finish re-establishing it.'
        : null,
  },
];

export function cancelRefusal(s: MachineState): string | null {
  for (const rule of CANCEL_RULES) {
    const r = rule.refuse(s);
    if (r) return r;
  }
  return null;
}

export function canCancel(s: MachineState): boolean {
  return cancelRefusal(s) === null;
}

/** Text appended to a NEEDS_ATTENTION message: what the admin can do now. */
export function attentionHint(s: Pick<MachineState, 'plan' | 'step'>): string {
  const cancellable = cancelRefusal({ ...s, state: 'NEEDS_ATTENTION', attempts: 0 }) === null;
  return cancellable
    ? 'Fix the cause and choose Retry, or Cancel the rotation (nothing irreversible has happened yet).'
    : 'Fix the cause and choose Retry; cancelling is not possible because the old credential may already be gone.';
}

// ─── The transition function ─────────────────────────────────────────────────────────────

function refuse(reason: string): TransitionResult {
  return { ok: false, reason };
}

function moveTo(
  s: MachineState,
  step: StepName,
  now: Date,
  extra: { error?: StepError | null; plan?: PlanName } = {},
): TransitionResult {
  const plan = extra.plan ?? s.plan;
  const effects: Effect[] = s.state === 'PENDING' ? [{ type: 'mark_started' }] : [];
  if (step === 'done') {
    return {
      ok: true,
      state: 'SUCCEEDED',
      step,
      plan,
      attempts: 0,
      nextAttemptAt: null,
      error: null,
      effects: [...effects, { type: 'mark_finished' }],
    };
  }
  return {
    ok: true,
    state: 'RUNNING',
    step,
    plan,
    attempts: 0,
    nextAttemptAt: null,
    error: extra.error === undefined ? null : extra.error,
    effects: [...effects, { type: 'enqueue_advance', runAt: now }],
  };
}

function finish(s: MachineState, state: RotationState, error: StepError | null): TransitionResult {
  const effects: Effect[] = s.state === 'PENDING' ? [{ type: 'mark_started' }] : [];
  return {
    ok: true,
    state,
    step: s.step,
    plan: s.plan,
    attempts: 0,
    nextAttemptAt: null,
    error,
    effects: [...effects, { type: 'mark_finished' }],
  };
}

function needsAttention(s: MachineState, attempts: number, err: StepError, prefix = ''): TransitionResult {
  const effects: Effect[] = s.state === 'PENDING' ? [{ type: 'mark_started' }] : [];
  return {
    ok: true,
    state: 'NEEDS_ATTENTION',
    step: s.step,
    plan: s.plan,
    attempts,
    nextAttemptAt: null,
    error: { code: err.code, message: `${prefix}${err.message} ${attentionHint(s)}`.trim() },
    effects,
  };
}

const ROLLING_BACK = ' Rekey is removing the new credential; the old one stays in place.';

/** verify_new failed for good: in rotate mode the old key still works, so undo the add. */
function verifyNewGaveUp(
  s: MachineState,
  now: Date,
  attempts: number,
  err: StepError,
  prefix: string,
): TransitionResult {
  if (s.plan === 'rotate') {
    return moveTo(s, 'rollback_remove_new', now, {
      error: {
        code: err.code,
        message: `${prefix}The new credential could not be verified: ${err.message}${ROLLING_BACK}`,
      },
    });
  }
  return needsAttention(
    s,
    attempts,
    err,
    `${prefix}The new credential was added but could not be verified, and the old credential has already been removed, so there is nothing safe to roll back to. `,
  );
}

/** Step finished on a side path: reach its terminal state, keeping the reason it was taken. */
function finishSidePath(s: MachineState, current: StepError | null): TransitionResult {
  const terminal = SIDE_PATHS[s.step] ?? 'FAILED';
  if (terminal === 'ROLLED_BACK') {
    const why = (current?.message ?? 'The new credential could not be verified.').split(ROLLING_BACK)[0]?.trim();
    return finish(s, terminal, {
      code: current?.code ?? 'VERIFY_NEW_FAILED',
      message: `${why} Rekey removed the new credential again; the old credential is still in place and still works.`,
    });
  }
  return finish(s, terminal, null);
}

/**
 * Applies one event. `currentError` is the error stored on the rotation (kept through a rollback
 * so the final message says why it rolled back).
 */
export function transition(
  s: MachineState,
  event: MachineEvent,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  currentError: StepError | null = null,
): TransitionResult {
  switch (event.type) {
    case 'step_succeeded': {
      if (!(s.state === 'PENDING' || s.state === 'RUNNING' || s.state === 'WAITING')) {
        return refuse(`A step result arrived while the rotation is ${s.state}; it is ignored.`);
      }
      if (SIDE_PATHS[s.step]) return finishSidePath(s, currentError);
      let plan = s.plan;
      if (event.plan && event.plan !== s.plan) {
        const switchable = s.step === 'preflight' && s.plan !== 'rotate' && event.plan !== 'rotate';
        if (!switchable) return refuse(`Cannot switch from plan ${s.plan} to ${event.plan} at step ${s.step}.`);
        plan = event.plan;
      }
      return moveTo(s, nextStep(plan, s.step, s.cutover === true), now, { plan });
    }
    case 'step_waiting': {
      if (!(s.state === 'PENDING' || s.state === 'RUNNING' || s.state === 'WAITING')) {
        return refuse(`A step result arrived while the rotation is ${s.state}; it is ignored.`);
      }
      if (!WAITING_STEPS.has(s.step))
        return refuse(`Step ${s.step} cannot wait; only ${[...WAITING_STEPS].join(', ')} can.`);
      // No lease is held and no attempt is counted while waiting: a queued job runs the step again then.
      const runAt = event.recheckAt.getTime() > now.getTime() ? event.recheckAt : now;
      return {
        ok: true,
        state: 'WAITING',
        step: s.step,
        plan: s.plan,
        attempts: 0,
        nextAttemptAt: runAt,
        error: null,
        effects: [
          ...(s.state === 'PENDING' ? [{ type: 'mark_started' as const }] : []),
          { type: 'enqueue_advance', runAt },
        ],
      };
    }
    case 'step_failed_transient': {
      if (!(s.state === 'PENDING' || s.state === 'RUNNING' || s.state === 'WAITING')) {
        return refuse(`A step result arrived while the rotation is ${s.state}; it is ignored.`);
      }
      const attempts = s.attempts + 1;
      const retry = retryPlan(attempts, event.jitterMs, policy, event.replication === true);
      if (attempts >= retry.maxAttempts) {
        const prefix = `Gave up after ${attempts} attempts. `;
        if (s.step === 'verify_new') return verifyNewGaveUp(s, now, attempts, event, prefix);
        return needsAttention(s, attempts, event, prefix);
      }
      const effects: Effect[] = s.state === 'PENDING' ? [{ type: 'mark_started' }] : [];
      const runAt = new Date(now.getTime() + retry.delayMs);
      return {
        ok: true,
        state: 'WAITING',
        step: s.step,
        plan: s.plan,
        attempts,
        nextAttemptAt: runAt,
        error: {
          code: event.code,
          message: `${event.message} Rekey will try again at ${runAt.toISOString()} (attempt ${attempts + 1} of ${retry.maxAttempts}).`,
        },
        effects: [...effects, { type: 'enqueue_advance', runAt }],
      };
    }
    case 'step_failed_permanent': {
      if (!(s.state === 'PENDING' || s.state === 'RUNNING' || s.state === 'WAITING')) {
        return refuse(`A step result arrived while the rotation is ${s.state}; it is ignored.`);
      }
      const attempts = s.attempts + 1;
      if (s.step === 'verify_new') return verifyNewGaveUp(s, now, attempts, event, '');
      return needsAttention(s, attempts, event);
    }
    case 'cancel': {
      const refusal = cancelRefusal(s);
      if (refusal) return refuse(refusal);
      const newKeyMayExist = stepsReached(s).includes('add_new');
      if (newKeyMayExist) {
        return moveTo({ ...s, state: s.state === 'PENDING' ? 'RUNNING' : s.state }, 'cancel_remove_new', now, {
          error: { code: 'CANCELLED', message: 'Cancelled; Rekey is removing the new credential it may have added.' },
        });
      }
      return finish(s, 'CANCELLED', null);
    }
    case 'retry': {
      if (s.state !== 'NEEDS_ATTENTION')
        return refuse(`Only a rotation that needs attention can be retried; this one is ${s.state}.`);
      return {
        ok: true,
        state: 'RUNNING',
        step: s.step,
        plan: s.plan,
        attempts: 0,
        nextAttemptAt: null,
        error: null,
        effects: [{ type: 'enqueue_advance', runAt: now }],
      };
    }
  }
}
