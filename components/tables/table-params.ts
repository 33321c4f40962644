import { firstParam, type SearchParams } from '@/lib/utils';

export type SortDir = 'asc' | 'desc';
export type TableParams = { sort: string | undefined; dir: SortDir; page: number; cols: string[] | undefined };

/**
 * Read table state from searchParams: `sort`, `dir`, `page`, `cols` (visible column ids,
 * repeated or comma-separated). Pages use this too, so their query matches the table.
 * `allowedSort` whitelists sortable column ids; anything else falls back to `defaultSort`.
 */
export function parseTableParams(
  sp: SearchParams,
  allowedSort: readonly string[],
  defaultSort?: { sort: string; dir: SortDir },
): TableParams {
  const rawSort = firstParam(sp.sort);
  const sortOk = rawSort !== undefined && allowedSort.includes(rawSort);
  const sort = sortOk ? rawSort : defaultSort?.sort;
  const rawDir = firstParam(sp.dir);
  const dir: SortDir = rawDir === 'asc' || rawDir === 'desc' ? rawDir : sortOk ? 'asc' : (defaultSort?.dir ?? 'asc');
  const page = Math.max(1, Number.parseInt(firstParam(sp.page) ?? '1', 10) || 1);
  const rawCols = sp.cols;
  const cols =
    rawCols === undefined
      ? undefined
      : (Array.isArray(rawCols) ? rawCols : [rawCols]).flatMap((c) => c.split(',')).filter(Boolean);
  return { sort, dir, page, cols };
}
