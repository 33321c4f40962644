/**
 * The launcher in front of npm start's stack (scripts/launch.ts), with real processes and process
 * groups: a Ctrl-C to the terminal's foreground group (here: the runner's group) reaches the
 * stack once, as SIGTERM, never as the SIGINT that would stop its children out of order; the
 * exit code is the stack's; and a launcher killed with -9 still lets the stack stop its children.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-launch-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A stand-in stack: one child of its own (in its process group); stops it on SIGTERM or when the launcher goes. */
const STACK = `
import { spawn } from 'node:child_process';
import fs from 'node:fs';
const log = (l) => fs.appendFileSync(process.env.LOG, l + '\\n');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
log('child ' + child.pid);
let stopping = false;
const stop = (why) => {
  log(why);
  if (stopping) return;
  stopping = true;
  child.once('exit', () => { log('stopped'); process.exit(0); });
  setTimeout(() => child.kill('SIGTERM'), 200);
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.on('disconnect', () => stop('disconnect'));
log('ready');
setInterval(() => {}, 1000);
`;

function start(name: string): { runner: ChildProcess; log: string; exit: Promise<number | null> } {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const stack = path.join(dir, 'stack.mjs');
  fs.writeFileSync(stack, STACK);
  const runnerFile = path.join(dir, 'runner.mts');
  fs.writeFileSync(
    runnerFile,
    `import { launchInOwnGroup } from ${JSON.stringify(path.resolve(import.meta.dirname, 'launch.ts'))};\n` +
      `process.exit(await launchInOwnGroup({ script: ${JSON.stringify(stack)}, execArgv: [] }));\n`,
  );
  const log = path.join(dir, 'log');
  // detached: the runner leads a process group, as a shell's foreground job does.
  const runner = spawn(process.execPath, ['--import', 'tsx', runnerFile], {
    cwd: path.resolve(import.meta.dirname, '..'),
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, LOG: log },
  });
  const exit = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
  return { runner, log, exit };
}

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : []);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start launcher (real process groups)', () => {
  it('Ctrl-C to the foreground group: the stack gets one SIGTERM (no SIGINT), stops its child, exit 0', async () => {
    const { runner, log, exit } = start('ctrl-c');
    await vi.waitFor(() => expect(lines(log)).toContain('ready'), { timeout: 20_000 });
    const childPid = Number(lines(log)[0]!.split(' ')[1]);
    // The terminal signals the group; npm / tsx would pass it on once more right after.
    process.kill(-runner.pid!, 'SIGINT');
    process.kill(-runner.pid!, 'SIGINT');
    expect(await exit).toBe(0);
    expect(lines(log).slice(2)).toEqual(['SIGTERM', 'stopped']);
    expect(alive(childPid)).toBe(false);
  }, 40_000);

  it('kill -9 of the launcher: the stack notices and stops its child', async () => {
    const { runner, log } = start('kill-9');
    await vi.waitFor(() => expect(lines(log)).toContain('ready'), { timeout: 20_000 });
    const childPid = Number(lines(log)[0]!.split(' ')[1]);
    runner.kill('SIGKILL');
    await vi.waitFor(() => expect(lines(log)).toContain('stopped'), { timeout: 10_000 });
    expect(lines(log).slice(2)).toEqual(['disconnect', 'stopped']);
    await vi.waitFor(() => expect(alive(childPid)).toBe(false), { timeout: 5_000 });
  }, 40_000);
});
