/**
 * Runs a script in a process group of its own and stays in front of it (used by scripts/start.ts
 * for the stack, ADR 019). Ctrl-C in a terminal signals the whole foreground process group: only
 * this process is in it, and it passes one SIGTERM on (a Ctrl-C arrives more than once: from the
 * terminal and from npm / tsx passing it on), so the script stops its own children in its own
 * order. Resolves with the script's exit code. The script gets an IPC channel: when this process
 * dies, even by kill -9, the channel closes and the script can stop (`process.on('disconnect')`).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';

export interface LaunchOptions {
  script: string;
  args?: string[];
  /** Node options for the script (default: TypeScript through tsx). */
  execArgv?: string[];
  log?(message: string): void;
}

export function launchInOwnGroup(opts: LaunchOptions): Promise<number> {
  const child = spawn(
    process.execPath,
    [...(opts.execArgv ?? ['--import', 'tsx']), opts.script, ...(opts.args ?? [])],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    },
  );
  let lastForward = 0;
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (Date.now() - lastForward < 1000) return;
    lastForward = Date.now();
    opts.log?.(`${signal}: stopping (web, workers, simulator, then the database)…`);
    child.kill('SIGTERM');
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    const done = (code: number) => {
      for (const signal of signals) process.off(signal, forward);
      resolve(code);
    };
    child.on('error', (e) => {
      opts.log?.(`error: could not start ${opts.script}: ${e.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  });
}
