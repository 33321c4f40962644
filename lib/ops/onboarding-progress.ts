/**
 * Progress of long onboarding work (the demo fleet's consent checks, discovery and sign-in scans
 * that `npm start` runs behind a dashboard that is already up): done / total, rate and time left,
 * printed to the terminal and kept in one Setting row that every dashboard page reads for its
 * banner. The row says which phase runs, so a restart resumes the onboarding instead of skipping it.
 */
import { Prisma, queryRows, type Db } from '@/lib/db';

export const ONBOARDING_SETTING = 'onboarding.progress';

export interface OnboardingProgress {
  /** What is being onboarded, in words ("the demo fleet"). */
  subject: string;
  /** The phase running now, in words ("consent checks"). */
  phase: string;
  /** 1-based index of the phase and how many there are. */
  step: number;
  steps: number;
  done: number;
  total: number;
  startedAt: string;
  phaseStartedAt: string;
  updatedAt: string;
  /** Set when every phase finished. */
  finishedAt: string | null;
  /** The last failure, in words, when onboarding stopped on one. */
  error: string | null;
}

export async function readOnboardingProgress(db: Db): Promise<OnboardingProgress | null> {
  // Raw on the direct pool (ADR 038): every page's layout reads it for the progress banner.
  const [row] = await queryRows<{ value: unknown }>(
    db,
    Prisma.sql`SELECT "value" FROM "Setting" WHERE "key" = ${ONBOARDING_SETTING}`,
  );
  return (row?.value as OnboardingProgress | undefined) ?? null;
}

/** Onboarding that has not finished (pending, running or stopped by a failure or a restart). */
export function isUnfinished(p: OnboardingProgress | null): p is OnboardingProgress {
  return p !== null && p.finishedAt === null;
}

/** Items per second and seconds left for the current phase, from its start (null until measurable). */
export function rateOf(p: Pick<OnboardingProgress, 'done' | 'total' | 'phaseStartedAt' | 'updatedAt'>): {
  perSecond: number | null;
  secondsLeft: number | null;
} {
  const elapsed = (Date.parse(p.updatedAt) - Date.parse(p.phaseStartedAt)) / 1000;
  if (!(elapsed > 0) || p.done <= 0) return { perSecond: null, secondsLeft: null };
  const perSecond = p.done / elapsed;
  return { perSecond, secondsLeft: Math.max(0, (p.total - p.done) / perSecond) };
}

/** "1 min 20 s", "45 s", "under a second". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

/** "consent checks: 3,200 of 10,000 (320/s, about 21 s left)". */
export function describeProgress(p: OnboardingProgress): string {
  const { perSecond, secondsLeft } = rateOf(p);
  const counts = `${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}`;
  const speed =
    perSecond !== null && secondsLeft !== null && p.done < p.total
      ? ` (${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}/s, about ${formatDuration(secondsLeft)} left)`
      : '';
  return `${p.phase}: ${counts}${speed}`;
}

export interface ProgressTracker {
  /** Starts phase `step` of `steps` with `total` items. */
  phase(name: string, total: number): Promise<void>;
  /** One more item of the current phase done (writes are throttled). */
  tick(): void;
  /** Everything finished. */
  finish(): Promise<void>;
  /** Onboarding stopped on `error`; a restart resumes it. */
  fail(error: string): Promise<void>;
}

/** A terminal's progress display for one phase (the CLI's: one updating line on a TTY). */
export interface PhaseDisplay {
  tick(): void;
  end(): void;
}

/**
 * Records progress in the Setting row (at most every `everyMs`) and prints a line per phase and
 * every `printEveryMs` through `say` — or, given `display`, hands each phase's ticks to the display
 * it opens. Writes never overlap; the last one always lands.
 */
export function trackOnboarding(
  db: Db,
  opts: {
    subject: string;
    steps: number;
    say?: (line: string) => void;
    display?: (label: string, total: number) => PhaseDisplay;
    everyMs?: number;
    printEveryMs?: number;
  },
): ProgressTracker {
  const everyMs = opts.everyMs ?? 1000;
  const printEveryMs = opts.printEveryMs ?? 5000;
  const started = new Date().toISOString();
  let state: OnboardingProgress = {
    subject: opts.subject,
    phase: 'starting',
    step: 0,
    steps: opts.steps,
    done: 0,
    total: 0,
    startedAt: started,
    phaseStartedAt: started,
    updatedAt: started,
    finishedAt: null,
    error: null,
  };
  let writing: Promise<void> = Promise.resolve();
  let lastWrite = 0;
  let lastPrint = 0;
  let shown: PhaseDisplay | undefined;
  const write = (): Promise<void> => {
    const value = { ...state };
    // A failed write (database restarting) must not stop the later ones.
    writing = writing
      .catch(() => undefined)
      .then(() =>
        db.setting
          .upsert({
            where: { key: ONBOARDING_SETTING },
            update: { value: value as object },
            create: { key: ONBOARDING_SETTING, value: value as object },
          })
          .then(() => undefined),
      );
    return writing;
  };
  return {
    async phase(name, total) {
      const now = new Date().toISOString();
      state = { ...state, phase: name, step: state.step + 1, done: 0, total, phaseStartedAt: now, updatedAt: now };
      shown?.end();
      opts.say?.(`${opts.subject}, step ${state.step} of ${state.steps}: ${name} (${total.toLocaleString('en-US')})`);
      shown = opts.display?.(`  ${name}`, total);
      lastPrint = lastWrite = Date.now();
      await write();
    },
    tick() {
      state = { ...state, done: state.done + 1, updatedAt: new Date().toISOString() };
      const now = Date.now();
      if (now - lastWrite >= everyMs || state.done === state.total) {
        lastWrite = now;
        void write().catch(() => undefined);
      }
      if (shown) shown.tick();
      else if (opts.say && (now - lastPrint >= printEveryMs || state.done === state.total)) {
        lastPrint = now;
        opts.say(`  ${describeProgress(state)}`);
      }
    },
    async finish() {
      const now = new Date().toISOString();
      state = { ...state, updatedAt: now, finishedAt: now, error: null };
      shown?.end();
      shown = undefined;
      await write();
      const seconds = (Date.parse(now) - Date.parse(state.startedAt)) / 1000;
      opts.say?.(`${opts.subject}: onboarded in ${formatDuration(seconds)}`);
    },
    async fail(error) {
      state = { ...state, updatedAt: new Date().toISOString(), error };
      shown?.end();
      shown = undefined;
      await write().catch(() => undefined);
    },
  };
}
