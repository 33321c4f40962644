/**
 * CSV writing for exports: RFC 4180 quoting, and protection against formula injection (a cell
 * starting with = + - @ or a tab/CR is prefixed with ' so spreadsheets show it as text).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
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
