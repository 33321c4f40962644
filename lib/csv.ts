/**
 * THE CSV writer of every export (tables, reports, campaign results, audit, invitations): RFC 4180
 * quoting with CRLF lines, and protection against formula injection — a text cell starting with
 * = + - @ (or a tab / CR, which some spreadsheet apps strip first) gets a leading `'` so a
 * spreadsheet never evaluates it. Numbers are written as numbers, booleans as words, dates as ISO
 * 8601, other objects as JSON (audit before/after).
 *
 * Written here rather than with a library: csv-parse (in package.json) only reads, and no writer
 * neutralises formulas; quoting is the six lines below.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let s =
    value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** A streaming CSV download from an async source of rows (header first). */
export function csvResponse(filename: string, header: string[], rows: AsyncIterable<unknown[]>): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(csvLine(header)));
      for await (const row of rows) controller.enqueue(encoder.encode(csvLine(row)));
      controller.close();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'no-store',
    },
  });
}

/** Walks a paginated query page by page (for streaming exports), mapping each row to CSV cells. */
export async function* paged<T>(
  fetchPage: (page: number, pageSize: number) => Promise<{ rows: T[] }>,
  toCells: (row: T) => unknown[],
  pageSize = 200,
): AsyncGenerator<unknown[]> {
  for (let page = 1; ; page++) {
    const { rows } = await fetchPage(page, pageSize);
    for (const r of rows) yield toCells(r);
    if (rows.length < pageSize) return;
  }
}
