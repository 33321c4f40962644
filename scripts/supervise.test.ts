import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_POLICY, inCrashLoop, restartDelay, Supervisor, type RestartPolicy } from './supervise';

describe('restart backoff', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [60, 30_000],
  ])('restart %i waits %i ms', (n, ms) => {
    expect(restartDelay(n)).toBe(ms);
  });

  it.each<[string, number[], boolean]>([
    ['four exits in five minutes is not a loop', [0, 60_000, 120_000, 180_000], false],
    ['five exits in five minutes is', [0, 60_000, 120_000, 180_000, 240_000], true],
    ['five exits spread over more than five minutes is not', [-100_000, 60_000, 120_000, 180_000, 240_000], false],
  ])('%s', (_name, exits, loop) => {
    expect(inCrashLoop(exits, 240_000, DEFAULT_POLICY)).toBe(loop);
  });
});

const fast: RestartPolicy = {
  initialDelayMs: 5,
  maxDelayMs: 20,
  stableAfterMs: 60_000,
  crashLoopCount: 3,
  crashLoopWindowMs: 60_000,
};
const node = (code: string) => () => spawn(process.execPath, ['-e', code], { stdio: 'ignore' });

describe('Supervisor (real child processes)', () => {
  it('restarts a child that keeps exiting, says why, and reports a crash loop', async () => {
    const log: string[] = [];
    const sup = new Supervisor({ log: (m) => log.push(m), policy: fast });
    await sup.add({ name: 'flaky', start: node('process.exit(3)') });
    await vi.waitFor(() => expect(sup.status()[0]!.restarts).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    const status = sup.status()[0]!;
    await sup.stop(1000);
    expect(status).toMatchObject({ name: 'flaky', crashLoop: true, lastExit: { code: 3, signal: null } });
    expect(log[0]).toMatch(/^flaky \(pid \d+\) exited with code 3 after \d+ m?s; restarting it in 5 ms$/);
    expect(log.some((l) => /CRASH LOOP: 3 exits in the last 60 s/.test(l))).toBe(true);
    expect(log).toContainEqual(expect.stringMatching(/^flaky restarted \(pid \d+, restart 1\)$/));
  });

  it('restarts a SIGKILLed child and leaves the others running', async () => {
    const log: string[] = [];
    const sup = new Supervisor({ log: (m) => log.push(m), policy: fast });
    const a = await sup.add({ name: 'worker', start: node('setInterval(() => {}, 1000)') });
    const b = await sup.add({ name: 'web', start: node('setInterval(() => {}, 1000)') });
    a.kill('SIGKILL');
    await vi.waitFor(
      () => {
        const now = sup.child('worker');
        expect(now?.pid).toBeTruthy();
        expect(now!.pid).not.toBe(a.pid);
      },
      { timeout: 10_000 },
    );
    expect(sup.child('web')).toBe(b);
    expect(log[0]).toMatch(/^worker \(pid \d+\) was killed \(SIGKILL\) after/);
    expect(sup.status().find((s) => s.name === 'worker')).toMatchObject({
      restarts: 1,
      running: true,
      crashLoop: false,
    });
    await sup.stop(2000);
  });

  it('stops every child on stop(): SIGTERM, then SIGKILL for one that ignores it; no restarts after', async () => {
    const sup = new Supervisor({ log: () => undefined, policy: fast });
    const polite = await sup.add({ name: 'polite', start: node('setInterval(() => {}, 1000)') });
    // Ready once it has installed its SIGTERM handler (it says so on stdout).
    const stubborn = await sup.add({
      name: 'stubborn',
      start: () =>
        spawn(
          process.execPath,
          ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"],
          { stdio: ['ignore', 'pipe', 'ignore'] },
        ),
      ready: (child) => new Promise((resolve) => child.stdout!.once('data', () => resolve())),
    });
    const exits: (string | null)[] = [];
    polite.once('exit', (_c, s) => exits.push(s));
    stubborn.once('exit', (_c, s) => exits.push(s));
    await sup.stop(300);
    expect(exits.sort()).toEqual(['SIGKILL', 'SIGTERM']);
    expect(sup.status().every((s) => !s.running && s.restarts === 0)).toBe(true);
  });

  it('stops in stopOrder: a group starts stopping only once the one before has exited', async () => {
    const log: string[] = [];
    const sup = new Supervisor({ log: (m) => log.push(m), policy: fast });
    const events: string[] = [];
    // Each child takes 200 ms to stop after SIGTERM; ready once its handler is installed.
    const slow = (name: string, stopOrder: number) =>
      sup.add({
        name,
        stopOrder,
        start: () => {
          const c = spawn(
            process.execPath,
            [
              '-e',
              "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 200)); console.log('ready'); setInterval(() => {}, 1000)",
            ],
            { stdio: ['ignore', 'pipe', 'ignore'] },
          );
          c.once('exit', () => events.push(`${name} exited`));
          return c;
        },
        ready: (child) => new Promise((resolve) => child.stdout!.once('data', () => resolve())),
      });
    await slow('simulator', 2);
    await slow('web', 0);
    await slow('worker 1', 1);
    await slow('worker 2', 1);
    await sup.stop(5000);
    expect(events.slice(0, 1)).toEqual(['web exited']);
    expect(events.slice(1, 3).sort()).toEqual(['worker 1 exited', 'worker 2 exited']);
    expect(events[3]).toBe('simulator exited');
    expect(log).toEqual(['stopping web', 'stopping worker 1, worker 2', 'stopping simulator']);
  });
});
