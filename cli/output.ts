/**
 * Output of read commands: a table for people (default), `--json` (list commands print one JSON
 * array of row objects, others one object) or `--ndjson` (one row object per line, streamed page by
 * page — for 10,000 tenants). Row objects are the stable shapes documented in docs/cli.md.
 */
import { UsageError, type CliIO, type Values } from './command';

export type OutputMode = 'table' | 'json' | 'ndjson';

export const listOptions = { ndjson: { type: 'boolean' } } as const;

export function outputMode(values: Values): OutputMode {
  if (values.json && values.ndjson) throw new UsageError('choose --json or --ndjson, not both');
  return values.ndjson ? 'ndjson' : values.json ? 'json' : 'table';
}

export interface Column<T> {
  header: string;
  cell(row: T): string;
}

/** One table cell on one line: whitespace runs become a space, other control characters U+FFFD (never sent to the terminal). */
const cellText = (s: string) => s.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');

export function formatTable<T>(rows: T[], columns: Column<T>[]): string {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => cellText(c.cell(r))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Prints rows from pages (an async source of arrays): ndjson as they come; json as one array;
 * a table once all are read, with "N <noun>" on stderr. Returns the number of rows.
 */
export async function emitRows<R, J>(
  io: CliIO,
  mode: OutputMode,
  pages: AsyncIterable<R[]>,
  view: { json(row: R): J; columns: Column<R>[]; noun: string },
): Promise<number> {
  let n = 0;
  if (mode === 'ndjson') {
    for await (const page of pages) {
      for (const r of page) io.out(JSON.stringify(view.json(r)));
      n += page.length;
    }
    return n;
  }
  const all: R[] = [];
  for await (const page of pages) all.push(...page);
  if (mode === 'json') io.out(JSON.stringify(all.map(view.json)));
  else if (all.length) io.out(formatTable(all, view.columns));
  if (mode === 'table') io.err(`${all.length} ${view.noun}`);
  return all.length;
}

/** Walks a paginated use case page by page until a short page. */
export async function* pagesOf<R>(
  fetch: (page: number) => Promise<{ rows: R[]; pageSize: number }>,
): AsyncGenerator<R[]> {
  for (let page = 1; ; page++) {
    const { rows, pageSize } = await fetch(page);
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
  }
}

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
export const day = (d: Date | null | undefined): string => (d ? d.toISOString().slice(0, 10) : '—');
