/**
 * Single-line text (names, labels, subjects, regions, titles) holds no control characters: a NUL
 * cannot be stored by PostgreSQL at all (it surfaced as "INTERNAL: Something went wrong"), and a
 * line break, tab or escape sequence in a name breaks tables, CSV exports and terminals. Refused
 * as a field error that names the character; nothing is written. Safe to import in the browser.
 */
import type { z } from 'zod';

// C0 controls (incl. tab and line breaks), DEL, C1 controls, and Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

const NAMES: Record<number, string> = {
  0x00: 'a NUL character',
  0x09: 'a tab',
  0x0a: 'a line break',
  0x0d: 'a line break',
  0x1b: 'an escape character',
  0x7f: 'a DEL character',
  0x2028: 'a line separator',
  0x2029: 'a paragraph separator',
};

/** "contains a NUL character (U+0000); use one line of plain text", or null for clean text. */
export function controlCharacterProblem(value: string): string | null {
  const m = CONTROL.exec(value);
  if (!m) return null;
  const code = m[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `contains ${NAMES[code] ?? 'a control character'} (${hex}); use one line of plain text`;
}

/** For `.superRefine(refuseControlCharacters)` on a single-line string field. */
export function refuseControlCharacters(value: string, ctx: z.RefinementCtx): void {
  const problem = controlCharacterProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `This ${problem}.` });
}

/**
 * Every string in an action's input that holds a NUL (never storable, whatever the field), as
 * field errors keyed like zod's (`name`, `rows.2.title`). Files are not strings and are not looked at.
 */
export function nulCharacterFields(input: unknown): Record<string, string[]> | null {
  const out: Record<string, string[]> = {};
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string[]): void => {
    if (typeof v === 'string') {
      if (v.includes('\u0000')) out[path.join('.') || '_form'] = ['This contains a NUL character (U+0000); remove it.'];
    } else if (v && typeof v === 'object' && !seen.has(v) && !(typeof Blob !== 'undefined' && v instanceof Blob)) {
      seen.add(v);
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  walk(input, []);
  return Object.keys(out).length ? out : null;
}

/**
 * The same check for a certificate name as OpenSSL prints it, where a control byte appears
 * escaped as `\00`, `\0A`… (RFC 4514 style; a literal backslash is `\\`): "CN=good.example\00.evil".
 */
export function escapedControlCharacterProblem(name: string): string | null {
  const direct = controlCharacterProblem(name);
  if (direct) return direct;
  const m = /(?<!\\)(?:\\\\)*\\([01][0-9A-F]|7F)/i.exec(name);
  return m ? controlCharacterProblem(String.fromCharCode(parseInt(m[1]!, 16))) : null;
}
