/**
 * Reads a CSV file people bring (exports from Excel, the Partner Center, other tools) into a header
 * and numbered rows, through `csv-parse` (RFC 4180) — one parser for every CSV Rekey reads
 * (tenants, advisories). Pure.
 *
 * What a file may look like: a UTF-8 BOM; `,`, `;` or tab as delimiter (picked from the header
 * line); CRLF, LF or CR line ends; quoted fields with doubled quotes; blank lines (skipped).
 * What makes the whole file an error, naming the line: a quote that is never closed, a quote in the
 * middle of an unquoted field or right after a closing quote, text that is not UTF-8, too many rows.
 * Nothing is ever merged silently: a quoted field spanning lines is kept as it is, and its line
 * break shows up as a control character that `controlCharacterProblem` reports as a row error.
 */
import { parse, CsvError, type Options } from 'csv-parse/sync';

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvRow {
  /** The line the row starts on (the header is line 1 when the file starts with it). */
  line: number;
  cells: string[];
}

export interface CsvTable {
  delimiter: CsvDelimiter;
  headerLine: number;
  /** Header cells as written (trimmed). */
  header: string[];
  rows: CsvRow[];
}

export type CsvTableResult = { ok: true; table: CsvTable } | { ok: false; error: string };

export interface ParseCsvTableOptions {
  /** More data rows than this is a file error. */
  maxRows?: number;
  /** What the file is, for messages ("The tenant CSV"). */
  what?: string;
}

const DELIMITER_NAMES: Record<CsvDelimiter, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

export function delimiterName(d: CsvDelimiter): string {
  return DELIMITER_NAMES[d];
}

/** The delimiter the header line uses most (outside quotes); commas when it has none. */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/** Header text compared loosely: case, spaces, underscores, dashes and dots do not matter. */
export function normalizeHeader(h: string): string {
  return h.toLowerCase().replace(/[\s_.\-]+/g, '');
}

// C0 controls (tab, CR and LF included), DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A row error for a cell holding a control character (a line break from a merged row, a NUL…), or null. */
export function controlCharacterProblem(cell: string, column: string): string | null {
  const m = CONTROL.exec(cell);
  if (!m) return null;
  const c = m[0];
  const what =
    c === '\n' || c === '\r'
      ? 'a line break (a quoted value spanning lines, often a missing closing quote)'
      : c === '\t'
        ? 'a tab character'
        : `the control character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `${column} contains ${what}; keep each value on one line without control characters`;
}

function lineOfIndex(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The first non-blank line after `afterLine` (1-based), or `afterLine + 1`. */
function nextContentLine(lines: string[], afterLine: number): number {
  for (let i = afterLine; i < lines.length; i++) if (lines[i]!.trim() !== '') return i + 1;
  return afterLine + 1;
}

export function parseCsvTable(input: string, opts: ParseCsvTableOptions = {}): CsvTableResult {
  const what = opts.what ?? 'The CSV file';
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (text.includes('\uFFFD'))
    return {
      ok: false,
      error: `${what} is not UTF-8 text (line ${lineOfIndex(text, text.indexOf('\uFFFD'))} has a character that could not be read). Save it as "CSV UTF-8" and try again.`,
    };
  const lines = text.split('\n');
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) return { ok: false, error: `${what} is empty: the first line must be a header.` };
  const delimiter = detectDelimiter(lines[headerIndex]!);

  let lastEndLine = headerIndex; // lines before the first record
  type Parsed = { record: string[]; info: { lines: number }; raw: string };
  let records: Parsed[];
  try {
    // With `info` and `raw`, each record arrives wrapped ({ record, info, raw }); on_record sees the
    // wrapper too, and remembers where the last complete record ended (for "quote never closed").
    const options: Options = {
      delimiter,
      record_delimiter: '\n',
      relax_column_count: true,
      relax_quotes: false,
      skip_empty_lines: true,
      info: true,
      raw: true,
      on_record: (rec, ctx) => {
        lastEndLine = ctx.lines;
        return rec;
      },
    };
    records = parse(text, options) as unknown as Parsed[];
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const at = (e as CsvError & { lines?: number }).lines ?? lastEndLine + 1;
    switch (e.code) {
      case 'CSV_QUOTE_NOT_CLOSED': {
        const start = nextContentLine(lines, lastEndLine);
        return {
          ok: false,
          error: `${what} has a quote that is never closed: the row starting on line ${start} opens a quoted value that runs to the end of the file. Close the quote (or remove it); nothing was imported.`,
        };
      }
      case 'INVALID_OPENING_QUOTE':
        return {
          ok: false,
          error: `${what} has a stray quote on line ${at}: a value that does not start with a quote contains one. Quote the whole value and double the inner quote ("Acme ""East"""), or remove it.`,
        };
      case 'CSV_INVALID_CLOSING_QUOTE':
        return {
          ok: false,
          error: `${what} has a stray quote on line ${at}: a quoted value is followed by more text before the next ${delimiter === '\t' ? 'tab' : `"${delimiter}"`}. Double quotes inside a quoted value ("Acme ""East"""), or remove them.`,
        };
      default:
        return { ok: false, error: `${what} cannot be read as CSV at line ${at}: ${e.message}` };
    }
  }

  const [head, ...body] = records.map((r) => {
    const inside = r.raw.replace(/^\n+/, '').replace(/\n$/, '');
    const breaks = inside.split('\n').length - 1;
    return { line: r.info.lines - breaks, cells: r.record };
  });
  if (!head) return { ok: false, error: `${what} is empty: the first line must be a header.` };
  if (opts.maxRows !== undefined && body.length > opts.maxRows)
    return {
      ok: false,
      error: `${what} has ${body.length} rows; import at most ${opts.maxRows} at a time (split the file).`,
    };
  return {
    ok: true,
    table: {
      delimiter,
      headerLine: head.line,
      header: head.cells.map((h) => h.trim()),
      rows: body.filter((r) => r.cells.some((c) => c.trim() !== '')),
    },
  };
}

/**
 * Maps header columns to fields by their accepted spellings (compared with `normalizeHeader`).
 * Unknown columns are ignored and listed; two columns for one field is an error naming both.
 */
export function mapColumns<F extends string>(
  header: string[],
  spellings: Record<F, readonly string[]>,
): { ok: true; columns: Partial<Record<F, number>>; ignored: string[] } | { ok: false; error: string } {
  const byName = new Map<string, F>();
  for (const [field, names] of Object.entries(spellings) as [F, readonly string[]][])
    for (const n of names) byName.set(normalizeHeader(n), field);
  const columns: Partial<Record<F, number>> = {};
  const ignored: string[] = [];
  for (let i = 0; i < header.length; i++) {
    const h = header[i]!;
    const field = byName.get(normalizeHeader(h));
    if (!field) {
      if (h !== '') ignored.push(h);
      continue;
    }
    const seen = columns[field];
    if (seen !== undefined)
      return {
        ok: false,
        error:
          header[seen] === h
            ? `The column "${h}" appears twice; keep one of them.`
            : `The columns "${header[seen]}" and "${h}" both give the ${field}; keep one of them.`,
      };
    columns[field] = i;
  }
  return { ok: true, columns, ignored };
}
