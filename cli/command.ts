import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RekeyError, exitCodeFor, isRekeyError } from '@/lib/errors';

/** Exit codes: 0 success, 1 operation failed, 2 bad usage. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

export interface CliIO {
  /** Machine output (stdout): JSON with --json, otherwise human text. */
  out(text: string): void;
  /** Messages for people (stderr). */
  err(text: string): void;
}

export interface Command {
  /** Words that select it, e.g. ['db', 'migrate']. */
  path: string[];
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  allowPositionals?: boolean;
  run(
    args: { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] },
    io: CliIO,
  ): Promise<number>;
}

export class UsageError extends Error {}

/** Runs one command with parsed options, mapping errors to exit codes and stderr messages. */
export async function runCommand(cmd: Command, argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...cmd.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
  } catch (e) {
    io.err(`${(e as Error).message}\nusage: rekey ${cmd.usage}`);
    return EXIT.USAGE;
  }
  if (parsed.values.help) {
    io.out(`rekey ${cmd.usage}\n\n${cmd.summary}`);
    return EXIT.OK;
  }
  try {
    return await cmd.run(parsed as never, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\nusage: rekey ${cmd.usage}`);
      return EXIT.USAGE;
    }
    if (isRekeyError(e)) {
      io.err(`error: ${e.message}`);
      if (parsed.values.json)
        io.out(JSON.stringify({ ok: false, error: { code: e.code, message: e.message, details: e.details } }));
      return exitCodeFor(e.code);
    }
    io.err(`error: ${(e as Error).message ?? String(e)}`);
    return EXIT.FAILED;
  }
}

export { RekeyError };
