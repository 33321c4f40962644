/**
 * `npm start`'s process supervisor (ADR 019): runs the web server, the job workers and, in the
 * demo, the simulator as child processes; restarts one that exits unexpectedly after a backoff
 * (1 s, 2 s, 4 s … up to 30 s; back to 1 s once it has run for a minute), says why in the log,
 * and flags a crash loop (5 exits within 5 minutes) so admins see it (banner, /api/health).
 * The others keep running meanwhile: a crashed worker never takes the dashboard down.
 */
import type { ChildProcess } from 'node:child_process';

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** A child that ran this long before exiting starts its backoff from the beginning again. */
  stableAfterMs: number;
  crashLoopCount: number;
  crashLoopWindowMs: number;
}

export const DEFAULT_POLICY: RestartPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
  crashLoopCount: 5,
  crashLoopWindowMs: 5 * 60_000,
};

/** The wait before restart number `consecutive` (1-based) of a child that keeps exiting. */
export function restartDelay(consecutive: number, policy: RestartPolicy = DEFAULT_POLICY): number {
  const n = Math.max(1, consecutive);
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(n - 1, 20));
}

/** Exits inside the window (newest last) that make a crash loop. */
export function inCrashLoop(exitTimes: number[], now: number, policy: RestartPolicy = DEFAULT_POLICY): boolean {
  return exitTimes.filter((t) => now - t <= policy.crashLoopWindowMs).length >= policy.crashLoopCount;
}

export interface ChildSpec {
  name: string;
  start(): ChildProcess;
  /** Resolves when the child can serve (e.g. its port is open); rejects if it cannot. */
  ready?(child: ChildProcess): Promise<void>;
  /** When `stop()` stops it: lower first, equal together (default 0). */
  stopOrder?: number;
}

export interface ChildStatus {
  name: string;
  pid: number | null;
  running: boolean;
  restarts: number;
  startedAt: string | null;
  lastExit: { code: number | null; signal: string | null; at: string; ranMs: number } | null;
  crashLoop: boolean;
  exitsInWindow: number;
  nextRestartAt: string | null;
}

interface Entry {
  spec: ChildSpec;
  child: ChildProcess | null;
  startedAt: number | null;
  restarts: number;
  consecutive: number;
  exits: number[];
  lastExit: ChildStatus['lastExit'];
  timer: NodeJS.Timeout | null;
  nextRestartAt: number | null;
}

export interface SupervisorOptions {
  log(message: string): void;
  policy?: RestartPolicy;
  now?(): number;
  /** Called after every start, exit and restart (e.g. to publish the status). */
  onChange?(status: ChildStatus[]): void;
}

export class Supervisor {
  private readonly entries: Entry[] = [];
  private stopping = false;
  private readonly policy: RestartPolicy;
  private readonly now: () => number;

  constructor(private readonly opts: SupervisorOptions) {
    this.policy = opts.policy ?? DEFAULT_POLICY;
    this.now = opts.now ?? Date.now;
  }

  /** Starts a child and keeps it running; resolves once it is ready (the first time). */
  async add(spec: ChildSpec): Promise<ChildProcess> {
    const entry: Entry = {
      spec,
      child: null,
      startedAt: null,
      restarts: 0,
      consecutive: 0,
      exits: [],
      lastExit: null,
      timer: null,
      nextRestartAt: null,
    };
    this.entries.push(entry);
    const child = this.launch(entry);
    await spec.ready?.(child);
    return child;
  }

  /** The current child process of `name` (changes on every restart). */
  child(name: string): ChildProcess | null {
    return this.entries.find((e) => e.spec.name === name)?.child ?? null;
  }

  private launch(entry: Entry): ChildProcess {
    entry.timer = null;
    entry.nextRestartAt = null;
    const child = entry.spec.start();
    entry.child = child;
    entry.startedAt = this.now();
    child.once('exit', (code, signal) => this.exited(entry, child, code, signal));
    this.changed();
    return child;
  }

  private exited(entry: Entry, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (entry.child !== child) return;
    const now = this.now();
    const ranMs = now - (entry.startedAt ?? now);
    entry.child = null;
    entry.lastExit = { code, signal, at: new Date(now).toISOString(), ranMs };
    if (this.stopping) return this.changed();
    entry.exits = [...entry.exits.filter((t) => now - t <= this.policy.crashLoopWindowMs), now];
    entry.consecutive = ranMs >= this.policy.stableAfterMs ? 1 : entry.consecutive + 1;
    const delay = restartDelay(entry.consecutive, this.policy);
    const loop = inCrashLoop(entry.exits, now, this.policy);
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    this.opts.log(
      `${entry.spec.name} (pid ${child.pid}) ${how} after ${formatMs(ranMs)}; restarting it in ${formatMs(delay)}` +
        (loop
          ? ` — CRASH LOOP: ${entry.exits.length} exits in the last ${formatMs(this.policy.crashLoopWindowMs)}; see its log above`
          : ''),
    );
    entry.nextRestartAt = now + delay;
    entry.timer = setTimeout(() => {
      if (this.stopping) return;
      entry.restarts++;
      const next = this.launch(entry);
      this.opts.log(`${entry.spec.name} restarted (pid ${next.pid}, restart ${entry.restarts})`);
      entry.spec
        .ready?.(next)
        .catch((e: unknown) =>
          this.opts.log(`${entry.spec.name} did not become ready after its restart: ${(e as Error).message}`),
        );
    }, delay);
    entry.timer.unref?.();
    this.changed();
  }

  private changed(): void {
    this.opts.onChange?.(this.status());
  }

  status(): ChildStatus[] {
    const now = this.now();
    return this.entries.map((e) => {
      const exitsInWindow = e.exits.filter((t) => now - t <= this.policy.crashLoopWindowMs).length;
      return {
        name: e.spec.name,
        pid: e.child?.pid ?? null,
        running: e.child !== null,
        restarts: e.restarts,
        startedAt: e.startedAt === null ? null : new Date(e.startedAt).toISOString(),
        lastExit: e.lastExit,
        crashLoop: exitsInWindow >= this.policy.crashLoopCount,
        exitsInWindow,
        nextRestartAt: e.nextRestartAt === null ? null : new Date(e.nextRestartAt).toISOString(),
      };
    });
  }

  /**
   * No more restarts; SIGTERM to every child, by `stopOrder` (lower first; children with the same
   * order together, e.g. all workers), each group after the one before has exited; SIGKILL to any
   * still running after `graceMs`.
   */
  async stop(graceMs = 40_000): Promise<void> {
    this.stopping = true;
    for (const e of this.entries) if (e.timer) clearTimeout(e.timer);
    const orders = [...new Set(this.entries.map((e) => e.spec.stopOrder ?? 0))].sort((a, b) => a - b);
    for (const order of orders) {
      const group = this.entries.filter((e) => (e.spec.stopOrder ?? 0) === order);
      const running = group.flatMap((e) =>
        e.child && e.child.exitCode === null && e.child.signalCode === null ? [e] : [],
      );
      if (running.length === 0) continue;
      this.opts.log(`stopping ${running.map((e) => e.spec.name).join(', ')}`);
      await Promise.all(running.map((e) => stopChild(e.child!, graceMs)));
    }
  }
}

function stopChild(c: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
    c.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    c.kill('SIGTERM');
  });
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
