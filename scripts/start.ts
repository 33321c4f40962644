/**
 * `npm start` (and `npm run dev`): runs the stack (scripts/stack.ts) in a process group of its own
 * and stays in front of it. Ctrl-C in a terminal signals the whole foreground process group; were
 * the stack's processes in it, PostgreSQL, the web server, the workers and the simulator would all
 * stop at once, in no order (the workers losing the database mid-step). Here only this small
 * process receives the terminal's signals and passes one SIGTERM on; the stack then stops its
 * children in order — web, workers, simulator, then PostgreSQL — and this process exits with the
 * stack's exit code. If this process itself is killed, the stack notices (its IPC channel closes)
 * and stops the same way, so nothing is left behind.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stack = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'scripts/stack.ts'), ...process.argv.slice(2)],
  {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  },
);

let lastForward = 0;
function forward(signal: NodeJS.Signals): void {
  if (stack.exitCode !== null || stack.signalCode !== null) return;
  // One Ctrl-C reaches this process more than once (the terminal, and npm / tsx passing it on).
  if (Date.now() - lastForward < 1000) return;
  lastForward = Date.now();
  process.stderr.write(`[rekey] ${signal}: stopping (web, workers, simulator, then the database)…\n`);
  stack.kill('SIGTERM');
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => forward(signal));

stack.on('error', (e) => {
  process.stderr.write(`[rekey] error: could not start the stack: ${e.message}\n`);
  process.exit(1);
});
stack.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
});
