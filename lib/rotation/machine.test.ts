import { describe, expect, it } from 'vitest';
import {
  PLANS,
  backoffMs,
  cancelRefusal,
  planStepsOf,
  canCancel,
  retryPlan,
  destructiveStepReached,
  transition,
  type MachineEvent,
  type MachineState,
  type PlanName,
  type RetryPolicy,
  type RotationState,
  type StepName,
} from '@/lib/rotation/machine';

const now = new Date('2026-06-01T12:00:00Z');
const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 10_000 };
const at = (ms: number) => new Date(now.getTime() + ms);

const s = (plan: PlanName, step: StepName, state: RotationState = 'RUNNING', attempts = 0): MachineState => ({
  plan,
  step,
  state,
  attempts,
});
const ok: MachineEvent = { type: 'step_succeeded' };
const transient = (jitterMs = 0): MachineEvent => ({
  type: 'step_failed_transient',
  code: 'GRAPH_UNAVAILABLE',
  message: 'Graph answered 503.',
  jitterMs,
});
const permanent: MachineEvent = {
  type: 'step_failed_permanent',
  code: 'GRAPH_FORBIDDEN',
  message: 'Graph refused the change (403).',
};

interface Row {
  name: string;
  from: MachineState;
  event: MachineEvent;
  expect: {
    state: RotationState;
    step: StepName;
    plan?: PlanName;
    attempts?: number;
    nextAttemptAt?: Date | null;
    effects?: string[];
    errorCode?: string | null;
    message?: RegExp;
  };
}

const rows: Row[] = [
  // the happy paths, one row per step
  {
    name: 'a pending rotate-key rotation that passes preflight starts and goes on to add the new key',
    from: s('rotate', 'preflight', 'PENDING'),
    event: ok,
    expect: { state: 'RUNNING', step: 'add_new', effects: ['mark_started', 'enqueue_advance'] },
  },
  {
    name: 'adding the new key leads to verifying it',
    from: s('rotate', 'add_new'),
    event: ok,
    expect: { state: 'RUNNING', step: 'verify_new', effects: ['enqueue_advance'] },
  },
  {
    name: 'a verified new key leads to removing the old one',
    from: s('rotate', 'verify_new'),
    event: ok,
    expect: { state: 'RUNNING', step: 'remove_old' },
  },
  {
    name: 'removing the old key leads to verifying it is gone',
    from: s('rotate', 'remove_old'),
    event: ok,
    expect: { state: 'RUNNING', step: 'verify_old_gone' },
  },
  {
    name: 'a rotate-key rotation whose old key is gone has succeeded',
    from: s('rotate', 'verify_old_gone'),
    event: ok,
    expect: { state: 'SUCCEEDED', step: 'done', effects: ['mark_finished'], errorCode: null },
  },
  {
    name: 're-establish (credential) removes the old credential first',
    from: s('reestablish_credential', 'preflight', 'PENDING'),
    event: ok,
    expect: { state: 'RUNNING', step: 'remove_old' },
  },
  {
    name: 're-establish (credential) adds the new key after removing the old',
    from: s('reestablish_credential', 'remove_old'),
    event: ok,
    expect: { state: 'RUNNING', step: 'add_new' },
  },
  {
    name: 're-establish (credential) verifies the new key after adding it',
    from: s('reestablish_credential', 'add_new'),
    event: ok,
    expect: { state: 'RUNNING', step: 'verify_new' },
  },
  {
    name: 're-establish (credential) checks the old key is gone after verifying the new one',
    from: s('reestablish_credential', 'verify_new'),
    event: ok,
    expect: { state: 'RUNNING', step: 'verify_old_gone' },
  },
  {
    name: 're-establish (credential) succeeds once the old key is gone',
    from: s('reestablish_credential', 'verify_old_gone'),
    event: ok,
    expect: { state: 'SUCCEEDED', step: 'done' },
  },
  {
    name: 're-establish (recreate) snapshots the connection after preflight',
    from: s('reestablish_recreate', 'preflight', 'PENDING'),
    event: ok,
    expect: { state: 'RUNNING', step: 'snapshot_connection' },
  },
  {
    name: 're-establish (recreate) deletes the connection after the snapshot',
    from: s('reestablish_recreate', 'snapshot_connection'),
    event: ok,
    expect: { state: 'RUNNING', step: 'delete_connection' },
  },
  {
    name: 're-establish (recreate) recreates the connection after deleting it',
    from: s('reestablish_recreate', 'delete_connection'),
    event: ok,
    expect: { state: 'RUNNING', step: 'recreate_connection' },
  },
  {
    name: 're-establish (recreate) adds the new key to the recreated app',
    from: s('reestablish_recreate', 'recreate_connection'),
    event: ok,
    expect: { state: 'RUNNING', step: 'add_new' },
  },
  {
    name: 're-establish (recreate) restores consent after adding the key',
    from: s('reestablish_recreate', 'add_new'),
    event: ok,
    expect: { state: 'RUNNING', step: 'restore_consent' },
  },
  {
    name: 're-establish (recreate) verifies the new key after restoring consent',
    from: s('reestablish_recreate', 'restore_consent'),
    event: ok,
    expect: { state: 'RUNNING', step: 'verify_new' },
  },
  {
    name: 're-establish (recreate) succeeds once the old key is gone',
    from: s('reestablish_recreate', 'verify_old_gone'),
    event: ok,
    expect: { state: 'SUCCEEDED', step: 'done' },
  },
  {
    name: 'preflight may switch a credential re-establish to recreating the connection',
    from: s('reestablish_credential', 'preflight', 'PENDING'),
    event: { type: 'step_succeeded', plan: 'reestablish_recreate' },
    expect: { state: 'RUNNING', step: 'snapshot_connection', plan: 'reestablish_recreate' },
  },
  {
    name: 'a step that succeeds after waiting runs on',
    from: s('rotate', 'add_new', 'WAITING', 2),
    event: ok,
    expect: { state: 'RUNNING', step: 'verify_new', attempts: 0, nextAttemptAt: null, errorCode: null },
  },

  // transient failures: backoff, then a stop for the admin
  {
    name: 'a first transient failure waits the base delay plus jitter',
    from: s('rotate', 'add_new'),
    event: transient(250),
    expect: {
      state: 'WAITING',
      step: 'add_new',
      attempts: 1,
      nextAttemptAt: at(1_250),
      effects: ['enqueue_advance'],
      errorCode: 'GRAPH_UNAVAILABLE',
      message: /try again at 2026-06-01T12:00:01\.250Z \(attempt 2 of 4\)/,
    },
  },
  {
    name: 'a second transient failure doubles the delay',
    from: s('rotate', 'add_new', 'WAITING', 1),
    event: transient(0),
    expect: { state: 'WAITING', attempts: 2, step: 'add_new', nextAttemptAt: at(2_000) },
  },
  {
    name: 'a transient failure in preflight of a pending rotation marks it started',
    from: s('rotate', 'preflight', 'PENDING'),
    event: transient(0),
    expect: { state: 'WAITING', step: 'preflight', attempts: 1, effects: ['mark_started', 'enqueue_advance'] },
  },
  {
    name: 'the last allowed transient failure stops in NEEDS_ATTENTION',
    from: s('rotate', 'remove_old', 'WAITING', 3),
    event: transient(0),
    expect: {
      state: 'NEEDS_ATTENTION',
      step: 'remove_old',
      attempts: 4,
      nextAttemptAt: null,
      effects: [],
      message:
        /^Gave up after 4 attempts\. Graph answered 503\. Fix the cause and choose Retry; cancelling is not possible/,
    },
  },
  {
    name: 'verification of the new key that keeps failing in rotate mode rolls back',
    from: s('rotate', 'verify_new', 'WAITING', 3),
    event: transient(0),
    expect: {
      state: 'RUNNING',
      step: 'rollback_remove_new',
      effects: ['enqueue_advance'],
      message:
        /Gave up after 4 attempts\. The new credential could not be verified: .* Rekey is removing the new credential/,
    },
  },

  // permanent failures
  {
    name: 'a permanent failure before anything changed stops in NEEDS_ATTENTION and says cancel is possible',
    from: s('rotate', 'add_new'),
    event: permanent,
    expect: {
      state: 'NEEDS_ATTENTION',
      step: 'add_new',
      attempts: 1,
      errorCode: 'GRAPH_FORBIDDEN',
      message: /Graph refused the change \(403\)\. Fix the cause and choose Retry, or Cancel the rotation/,
    },
  },
  {
    name: 'a permanent failure removing the old key says cancel is not possible',
    from: s('rotate', 'remove_old'),
    event: permanent,
    expect: { state: 'NEEDS_ATTENTION', step: 'remove_old', message: /cancelling is not possible/ },
  },
  {
    name: 'a failed verification of the new key in rotate mode rolls back and keeps the old key',
    from: s('rotate', 'verify_new'),
    event: { type: 'step_failed_permanent', code: 'AADSTS700027', message: 'The new key was refused (AADSTS700027).' },
    expect: {
      state: 'RUNNING',
      step: 'rollback_remove_new',
      errorCode: 'AADSTS700027',
      message: /the old one stays in place/,
    },
  },
  {
    name: 'a failed verification of the new key after re-establishing cannot roll back and says why',
    from: s('reestablish_credential', 'verify_new'),
    event: permanent,
    expect: {
      state: 'NEEDS_ATTENTION',
      step: 'verify_new',
      message: /already been removed, so there is nothing safe to roll back to/,
    },
  },
  {
    name: 'a failed verification of the old key being gone stops for the admin',
    from: s('rotate', 'verify_old_gone'),
    event: permanent,
    expect: { state: 'NEEDS_ATTENTION', step: 'verify_old_gone' },
  },

  // side paths
  {
    name: 'a finished rollback ends ROLLED_BACK and says the old key still works',
    from: s('rotate', 'rollback_remove_new'),
    event: ok,
    expect: {
      state: 'ROLLED_BACK',
      step: 'rollback_remove_new',
      effects: ['mark_finished'],
      message: /Rekey removed the new credential again; the old credential is still in place and still works\.$/,
    },
  },
  {
    name: 'a rollback that fails transiently waits and tries again',
    from: s('rotate', 'rollback_remove_new'),
    event: transient(0),
    expect: { state: 'WAITING', step: 'rollback_remove_new', attempts: 1 },
  },
  {
    name: 'a rollback that fails permanently stops for the admin',
    from: s('rotate', 'rollback_remove_new'),
    event: permanent,
    expect: { state: 'NEEDS_ATTENTION', step: 'rollback_remove_new' },
  },
  {
    name: 'a finished cancel clean-up ends CANCELLED',
    from: s('rotate', 'cancel_remove_new'),
    event: ok,
    expect: { state: 'CANCELLED', step: 'cancel_remove_new', effects: ['mark_finished'], errorCode: null },
  },

  // cancel
  {
    name: 'cancelling a pending rotation ends it at once',
    from: s('rotate', 'preflight', 'PENDING'),
    event: { type: 'cancel' },
    expect: { state: 'CANCELLED', step: 'preflight', effects: ['mark_started', 'mark_finished'] },
  },
  {
    name: 'cancelling while the new key may have been added removes it first',
    from: s('rotate', 'add_new', 'WAITING', 1),
    event: { type: 'cancel' },
    expect: { state: 'RUNNING', step: 'cancel_remove_new', effects: ['enqueue_advance'], errorCode: 'CANCELLED' },
  },
  {
    name: 'cancelling a rotation that needs attention at verify_new removes the new key first',
    from: s('rotate', 'verify_new', 'NEEDS_ATTENTION', 1),
    event: { type: 'cancel' },
    expect: { state: 'RUNNING', step: 'cancel_remove_new' },
  },
  {
    name: 'cancelling a re-establish that is still in preflight ends it at once',
    from: s('reestablish_credential', 'preflight', 'NEEDS_ATTENTION', 1),
    event: { type: 'cancel' },
    expect: { state: 'CANCELLED', step: 'preflight' },
  },
  {
    name: 'cancelling a recreate that only took a snapshot ends it at once',
    from: s('reestablish_recreate', 'snapshot_connection', 'WAITING', 1),
    event: { type: 'cancel' },
    expect: { state: 'CANCELLED', step: 'snapshot_connection' },
  },

  // retry
  {
    name: 'retrying a rotation that needs attention runs the same step again now',
    from: s('rotate', 'remove_old', 'NEEDS_ATTENTION', 4),
    event: { type: 'retry' },
    expect: {
      state: 'RUNNING',
      step: 'remove_old',
      attempts: 0,
      nextAttemptAt: null,
      effects: ['enqueue_advance'],
      errorCode: null,
    },
  },
  {
    name: 'retrying a stuck rollback runs the rollback again',
    from: s('rotate', 'rollback_remove_new', 'NEEDS_ATTENTION', 1),
    event: { type: 'retry' },
    expect: { state: 'RUNNING', step: 'rollback_remove_new' },
  },
];

interface Refusal {
  name: string;
  from: MachineState;
  event: MachineEvent;
  reason: RegExp;
}

const refusals: Refusal[] = [
  {
    name: 'cancelling after the old key may have been removed (rotate) is refused',
    from: s('rotate', 'remove_old', 'WAITING', 1),
    event: { type: 'cancel' },
    reason: /old credential may already have been removed/,
  },
  {
    name: 'cancelling while verifying the old key is gone is refused',
    from: s('rotate', 'verify_old_gone'),
    event: { type: 'cancel' },
    reason: /Retry the rotation to finish it/,
  },
  {
    name: 'cancelling a re-establish that has started removing the old key is refused',
    from: s('reestablish_credential', 'remove_old', 'NEEDS_ATTENTION', 1),
    event: { type: 'cancel' },
    reason: /old connection or credential may already have been removed/,
  },
  {
    name: 'cancelling a recreate that has started deleting the connection is refused',
    from: s('reestablish_recreate', 'delete_connection', 'WAITING', 1),
    event: { type: 'cancel' },
    reason: /Retry the rotation to finish re-establishing/,
  },
  {
    name: 'cancelling a rollback in progress is refused',
    from: s('rotate', 'rollback_remove_new'),
    event: { type: 'cancel' },
    reason: /already removing the new credential/,
  },
  {
    name: 'cancelling a finished rotation is refused',
    from: s('rotate', 'done', 'SUCCEEDED'),
    event: { type: 'cancel' },
    reason: /already finished \(SUCCEEDED\)/,
  },
  {
    name: 'cancelling a cancelled rotation is refused',
    from: s('rotate', 'preflight', 'CANCELLED'),
    event: { type: 'cancel' },
    reason: /already finished \(CANCELLED\)/,
  },
  {
    name: 'retrying a running rotation is refused',
    from: s('rotate', 'add_new'),
    event: { type: 'retry' },
    reason: /Only a rotation that needs attention can be retried; this one is RUNNING/,
  },
  {
    name: 'retrying a rolled-back rotation is refused',
    from: s('rotate', 'rollback_remove_new', 'ROLLED_BACK'),
    event: { type: 'retry' },
    reason: /this one is ROLLED_BACK/,
  },
  {
    name: 'a late step result for a cancelled rotation is ignored',
    from: s('rotate', 'add_new', 'CANCELLED'),
    event: ok,
    reason: /while the rotation is CANCELLED/,
  },
  {
    name: 'a late failure for a rotation that needs attention is ignored',
    from: s('rotate', 'add_new', 'NEEDS_ATTENTION', 1),
    event: permanent,
    reason: /while the rotation is NEEDS_ATTENTION/,
  },
  {
    name: 'a late transient failure for a succeeded rotation is ignored',
    from: s('rotate', 'done', 'SUCCEEDED'),
    event: transient(),
    reason: /while the rotation is SUCCEEDED/,
  },
  {
    name: 'rotate mode cannot switch plan in preflight',
    from: s('rotate', 'preflight', 'PENDING'),
    event: { type: 'step_succeeded', plan: 'reestablish_recreate' },
    reason: /Cannot switch from plan rotate/,
  },
  {
    name: 'a re-establish cannot switch plan after preflight',
    from: s('reestablish_credential', 'remove_old'),
    event: { type: 'step_succeeded', plan: 'reestablish_recreate' },
    reason: /at step remove_old/,
  },
];

describe('transition', () => {
  it.each(rows)('$name', ({ from, event, expect: e }) => {
    const r = transition(from, event, now, policy);
    if (!r.ok) throw new Error(`refused: ${r.reason}`);
    expect(r.state).toBe(e.state);
    expect(r.step).toBe(e.step);
    expect(r.plan).toBe(e.plan ?? from.plan);
    if (e.attempts !== undefined) expect(r.attempts).toBe(e.attempts);
    if (e.nextAttemptAt !== undefined) expect(r.nextAttemptAt).toEqual(e.nextAttemptAt);
    if (e.effects) expect(r.effects.map((x) => x.type)).toEqual(e.effects);
    if (e.errorCode !== undefined) expect(r.error?.code ?? null).toBe(e.errorCode);
    if (e.message) expect(r.error?.message).toMatch(e.message);
    for (const eff of r.effects) if (eff.type === 'enqueue_advance') expect(eff.runAt).toEqual(r.nextAttemptAt ?? now);
  });

  it.each(refusals)('$name', ({ from, event, reason }) => {
    const r = transition(from, event, now, policy);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('keeps the reason for a rollback in the final ROLLED_BACK message', () => {
    const rolling = transition(
      s('rotate', 'verify_new'),
      {
        type: 'step_failed_permanent',
        code: 'AADSTS700027',
        message: 'The token endpoint refused the new key (AADSTS700027).',
      },
      now,
      policy,
    );
    if (!rolling.ok) throw new Error(rolling.reason);
    const done = transition(
      { plan: 'rotate', step: rolling.step, state: rolling.state, attempts: 0 },
      ok,
      now,
      policy,
      rolling.error,
    );
    if (!done.ok) throw new Error(done.reason);
    expect(done.state).toBe('ROLLED_BACK');
    expect(done.error).toEqual({
      code: 'AADSTS700027',
      message:
        'The new credential could not be verified: The token endpoint refused the new key (AADSTS700027). Rekey removed the new credential again; the old credential is still in place and still works.',
    });
  });

  it('walks every plan from preflight to done with step_succeeded only', () => {
    for (const plan of Object.keys(PLANS) as PlanName[]) {
      let st: MachineState = { plan, step: 'preflight', state: 'PENDING', attempts: 0 };
      const seen: StepName[] = [st.step];
      while (st.state !== 'SUCCEEDED') {
        const r = transition(st, ok, now, policy);
        if (!r.ok) throw new Error(r.reason);
        st = { plan: r.plan, step: r.step, state: r.state, attempts: r.attempts };
        seen.push(st.step);
      }
      expect(seen).toEqual(planStepsOf(plan));
      expect(seen).not.toContain('await_cutover');
    }
  });
});

describe('waiting for the vendor’s cutover', () => {
  const waiting = (step: StepName, state: RotationState = 'RUNNING'): MachineState => ({
    ...s('rotate', step, state),
    cutover: true,
  });
  const look: MachineEvent = { type: 'step_waiting', recheckAt: at(300_000) };

  it('walks the rotate plan through await_cutover between verify_new and remove_old', () => {
    let st: MachineState = { ...waiting('preflight', 'PENDING') };
    const seen: StepName[] = [st.step];
    while (st.state !== 'SUCCEEDED') {
      const r = transition(st, ok, now, policy);
      if (!r.ok) throw new Error(r.reason);
      st = { plan: r.plan, step: r.step, state: r.state, attempts: r.attempts, cutover: true };
      seen.push(st.step);
    }
    expect(seen).toEqual([
      'preflight',
      'add_new',
      'verify_new',
      'await_cutover',
      'remove_old',
      'verify_old_gone',
      'done',
    ]);
  });

  it('a look that sees nothing yet waits until the next look, counts no attempt and keeps no error', () => {
    const r = transition({ ...waiting('await_cutover'), attempts: 2 }, look, now, policy);
    expect(r).toEqual({
      ok: true,
      state: 'WAITING',
      step: 'await_cutover',
      plan: 'rotate',
      attempts: 0,
      nextAttemptAt: at(300_000),
      error: null,
      effects: [{ type: 'enqueue_advance', runAt: at(300_000) }],
    });
  });

  it('a later look that sees the vendor goes on to remove the old key', () => {
    expect(transition(waiting('await_cutover', 'WAITING'), ok, now, policy)).toMatchObject({
      ok: true,
      state: 'RUNNING',
      step: 'remove_old',
    });
  });

  it('only await_cutover may wait', () => {
    expect(transition(waiting('verify_new'), look, now, policy)).toMatchObject({ ok: false });
    expect(transition(waiting('await_cutover', 'NEEDS_ATTENTION'), look, now, policy)).toMatchObject({ ok: false });
  });

  it('cancel while waiting removes the new key again (the old one was never touched)', () => {
    expect(cancelRefusal(waiting('await_cutover', 'WAITING'))).toBeNull();
    expect(transition(waiting('await_cutover', 'WAITING'), { type: 'cancel' }, now, policy)).toMatchObject({
      ok: true,
      state: 'RUNNING',
      step: 'cancel_remove_new',
    });
  });

  it('re-establish plans never wait', () => {
    expect(planStepsOf('reestablish_credential', true)).not.toContain('await_cutover');
    expect(planStepsOf('rotate', true)).toContain('await_cutover');
  });
});

describe('backoffMs', () => {
  it.each([
    { name: 'the first retry waits the base delay', n: 1, jitter: 0, ms: 1_000 },
    { name: 'the third retry waits four times the base delay', n: 3, jitter: 0, ms: 4_000 },
    { name: 'the delay is capped', n: 10, jitter: 0, ms: 10_000 },
    { name: 'jitter is added on top of the cap', n: 10, jitter: 300, ms: 10_300 },
    { name: 'negative jitter is ignored', n: 1, jitter: -500, ms: 1_000 },
  ])('$name', ({ n, jitter, ms }) => {
    expect(backoffMs(n, jitter, policy)).toBe(ms);
  });
});

describe('replication lag: sooner retries first, then the whole backoff', () => {
  const lag: RetryPolicy = { ...policy, replicationDelaysMs: [500, 1_000, 2_000] };
  const notVisible = (jitterMs = 0): MachineEvent => ({
    type: 'step_failed_transient',
    code: 'NEW_CREDENTIAL_NOT_VISIBLE',
    message: 'A read does not show the new certificate.',
    jitterMs,
    replication: true,
  });

  it('waits the short delays, then the backoff from its base, with all its attempts on top', () => {
    const waits: number[] = [];
    let st = s('rotate', 'remove_old');
    for (;;) {
      const r = transition(st, notVisible(), now, lag);
      if (!r.ok) throw new Error(r.reason);
      if (r.state !== 'WAITING') {
        expect(r.state).toBe('NEEDS_ATTENTION');
        expect(r.attempts).toBe(policy.maxAttempts + 3);
        break;
      }
      waits.push(r.nextAttemptAt!.getTime() - now.getTime());
      st = { ...st, state: r.state, attempts: r.attempts };
    }
    // Without the short delays: 1 s, 2 s, 4 s and then needs attention — the same waits follow them.
    expect(waits).toEqual([500, 1_000, 2_000, 1_000, 2_000, 4_000]);
  });

  it('is never less patient than the backoff alone', () => {
    const total = (p: RetryPolicy, replication: boolean) => {
      let sum = 0;
      for (let n = 1; n < retryPlan(n, 0, p, replication).maxAttempts; n++)
        sum += retryPlan(n, 0, p, replication).delayMs;
      return sum;
    };
    expect(total(lag, true)).toBeGreaterThan(total(policy, false));
    expect(total(lag, false)).toBe(total(policy, false));
  });

  it('keeps jitter to a fifth of a short delay, and other failures use the backoff', () => {
    expect(retryPlan(1, 900, lag, true).delayMs).toBe(600);
    expect(retryPlan(1, 900, lag, false)).toEqual({ delayMs: 1_900, maxAttempts: policy.maxAttempts });
    const r = transition(s('rotate', 'verify_new'), transient(), now, lag);
    expect(r.ok && r.nextAttemptAt).toEqual(at(1_000));
  });

  it('gives up on verify_new after all the attempts by rolling back', () => {
    const r = transition(s('rotate', 'verify_new', 'WAITING', policy.maxAttempts + 2), notVisible(), now, lag);
    expect(r.ok && [r.state, r.step]).toEqual(['RUNNING', 'rollback_remove_new']);
    const before = transition(s('rotate', 'verify_new', 'WAITING', policy.maxAttempts + 1), notVisible(), now, lag);
    expect(before.ok && before.state).toBe('WAITING');
  });
});

describe('cancel rules', () => {
  it.each([
    {
      name: 'rotate: cancellable up to and including verify_new',
      plan: 'rotate' as const,
      cancellable: ['preflight', 'add_new', 'verify_new', 'await_cutover'],
    },
    {
      name: 're-establish (credential): cancellable only in preflight',
      plan: 'reestablish_credential' as const,
      cancellable: ['preflight'],
    },
    {
      name: 're-establish (recreate): cancellable until the connection is deleted',
      plan: 'reestablish_recreate' as const,
      cancellable: ['preflight', 'snapshot_connection'],
    },
  ])('$name', ({ plan, cancellable }) => {
    const steps = PLANS[plan].filter((x) => x !== 'done');
    expect(steps.filter((step) => canCancel(s(plan, step, 'NEEDS_ATTENTION', 1)))).toEqual(cancellable);
    expect(steps.filter((step) => destructiveStepReached(s(plan, step))).length).toBe(
      steps.length - cancellable.length,
    );
  });
});
