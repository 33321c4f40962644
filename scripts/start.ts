/**
 * `npm start` (and `npm run dev`): runs the stack (scripts/stack.ts) in a process group of its own
 * and stays in front of it (scripts/launch.ts). Ctrl-C in a terminal signals the whole foreground
 * process group; were the stack's processes in it, PostgreSQL, the web server, the workers and the
 * simulator would all stop at once, in no order (the workers losing the database mid-step). Here
 * only this small process receives the terminal's signals and passes one SIGTERM on; the stack
 * then stops its children in order — web, workers, simulator, then PostgreSQL — and this process
 * exits with the stack's exit code. If this process itself is killed, the stack notices (its IPC
 * channel closes) and stops the same way, so nothing is left behind.
 */
import path from 'node:path';
import { launchInOwnGroup } from './launch';

const code = await launchInOwnGroup({
  script: path.resolve(import.meta.dirname, 'stack.ts'),
  args: process.argv.slice(2),
  log: (m) => process.stderr.write(`[rekey] ${m}\n`),
});
process.exit(code);
