import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RekeyError, isRekeyError } from '@/lib/errors';

/**
 * Exit codes: 0 success; 1 the operation failed (including a check that found a problem, a file
 * that was refused, a row that needs fixing, Rekey not running); 2 bad usage (the command line
 * itself: unknown command or option, a missing or malformed argument), before anything was done.
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

export interface CliIO {
  /** Machine output (stdout): JSON with --json, otherwise human text. */
  out(text: string): void;
  /** Messages for people (stderr). */
  err(text: string): void;
}

export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Command {
  /** Words that select it, e.g. ['db', 'migrate']. */
  path: string[];
  summary: string;
  usage: string;
  /** More help text (options, examples), shown by --help. */
  details?: string;
  options?: ParseArgsConfig['options'];
  allowPositionals?: boolean;
  run(args: { values: Values; positionals: string[] }, io: CliIO): Promise<number>;
}

/** The command line is wrong: exit 2 with the command's usage. */
export class UsageError extends Error {}

export const str = (v: Values[string]): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const strs = (v: Values[string]): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

export function debugEnabled(): boolean {
  return process.env.REKEY_LOG_LEVEL === 'debug';
}

/**
 * A message on one line: a list a use case wrote one item per line ("fix these:\n  a\n  b") becomes
 * "fix these: a; b"; other whitespace runs become one space; at most `max` characters.
 */
function oneLine(s: string, max = 600): string {
  const [first = '', ...rest] = s
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const items = rest.map((l, i) => (i < rest.length - 1 ? l.replace(/\.$/, '') : l));
  const t = rest.length ? `${first}${/[:.]$/.test(first) ? ' ' : '; '}${items.join('; ')}` : first;
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * Field errors a use case attached (zod's flattened `fieldErrors`) that its message does not say
 * already, as "field: message" parts (form-level errors without a field name).
 */
function fieldParts(message: string, details: Record<string, unknown> | undefined): string[] {
  const fe = details?.fieldErrors;
  if (!fe || typeof fe !== 'object') return [];
  return Object.entries(fe as Record<string, unknown>).flatMap(([k, v]) => {
    const unsaid = (Array.isArray(v) ? v.map(String) : []).filter((m) => !message.includes(m));
    if (!unsaid.length) return [];
    return [k === '_form' || k === 'formErrors' ? unsaid.join('; ') : `${k}: ${unsaid.join(', ')}`];
  });
}

/** A zod validation error (input a use case refused), whichever zod instance made it. */
function isZodError(e: unknown): e is { issues: unknown[] } {
  return (e as Error | null)?.name === 'ZodError' && Array.isArray((e as { issues?: unknown }).issues);
}

/**
 * One line saying what went wrong: a RekeyError's message (with the fields it names), a zod error
 * as "field: message" pairs (never the raw JSON), anything else by its first line.
 */
export function describeError(e: unknown): string {
  if (isRekeyError(e)) {
    const parts = fieldParts(e.message, e.details);
    return oneLine(parts.length ? `${e.message} ${parts.join('; ')}` : e.message);
  }
  if (isZodError(e)) {
    const issues = e.issues;
    return oneLine(
      `invalid input: ${(issues as { path?: unknown[]; message?: string }[])
        .slice(0, 5)
        .map((i) => `${(i.path ?? []).map(String).join('.') || 'value'}: ${i.message}`)
        .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`,
    );
  }
  const msg = e instanceof Error ? e.message : String(e);
  return oneLine(msg.split('\n').find((l) => l.trim()) ?? msg);
}

export function helpFor(cmd: Command): string {
  return `usage: rekey ${cmd.usage}\n\n${cmd.summary}${cmd.details ? `\n\n${cmd.details}` : ''}\n\n--json prints JSON on stdout; messages go to stderr. Exit codes: 0 ok, 1 failed, 2 bad usage.`;
}

/** Runs one command with parsed options, mapping errors to exit codes and one-line stderr messages. */
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
    io.err(`error: ${describeError(e)}\nusage: rekey ${cmd.usage}   (rekey ${cmd.path.join(' ')} --help)`);
    return EXIT.USAGE;
  }
  if (parsed.values.help) {
    io.out(helpFor(cmd));
    return EXIT.OK;
  }
  try {
    return await cmd.run(parsed as { values: Values; positionals: string[] }, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\nusage: rekey ${cmd.usage}   (rekey ${cmd.path.join(' ')} --help)`);
      return EXIT.USAGE;
    }
    const invalidInput = isZodError(e);
    io.err(`error: ${describeError(e)}`);
    if (debugEnabled() && e instanceof Error && e.stack) io.err(e.stack);
    else if (!isRekeyError(e) && !invalidInput) io.err('(set REKEY_LOG_LEVEL=debug for the details)');
    if (parsed.values.json)
      io.out(
        JSON.stringify({
          ok: false,
          error: {
            code: isRekeyError(e) ? e.code : invalidInput ? 'BAD_INPUT' : 'INTERNAL',
            message: describeError(e),
            ...(isRekeyError(e) && e.details ? { details: e.details } : {}),
          },
        }),
      );
    return EXIT.FAILED;
  }
}

export { RekeyError };
