import Link from 'next/link';
import { Suspense, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { hrefWith, type SearchParams } from '@/lib/utils';
import type { ButtonVariant } from '@/components/ui/button';
import { CHECKBOX_CLASSES } from '@/components/ui/checkbox';
import { EmptyState } from '@/components/ui/empty-state';
import { Icon } from '@/components/ui/icon';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableContainer, TBody, TH, THead } from '@/components/ui/table';
import { BulkActionButton, SelectAllCheckbox, SelectionCount } from './bulk-selection';
import { ColumnChooser } from './column-chooser';
import { parseTableParams, type SortDir } from './table-params';

export type DataTableColumn<T> = {
  id: string;
  header: string;
  /** The cell, rendered on the server; unused when the table has a `body`. */
  cell?: (row: T) => ReactNode;
  sortable?: boolean;
  align?: 'left' | 'right';
  /** Users may hide it with the column chooser (default true). */
  hideable?: boolean;
  /** Hidden until the user picks it. */
  defaultHidden?: boolean;
  /** Direction used when the user first sorts by this column. */
  firstDir?: SortDir;
  className?: string;
};

export type BulkAction = { label: string; value: string; variant?: ButtonVariant };

export type DataTableProps<T> = {
  /** Accessible name of the table (also the scroll region label). */
  caption: string;
  columns: DataTableColumn<T>[];
  rows: T[];
  getRowId: (row: T) => string;
  /** Current route and params: every link keeps the other params. */
  pathname: string;
  searchParams: SearchParams;
  defaultSort?: { sort: string; dir: SortDir };
  pagination?: { page: number; pageSize: number; total: number };
  /**
   * Bulk actions: row checkboxes post `name` (default "ids", repeated) plus `intent` = the
   * clicked action's value to `action` (a server action or URL).
   */
  bulk?: {
    action: string | ((formData: FormData) => void | Promise<void>);
    actions: BulkAction[];
    name?: string;
    rowLabel?: (row: T) => string;
    hiddenFields?: Record<string, string>;
  };
  /**
   * The rows rendered by a client component from plain data (not with `bulk`): called with the
   * visible columns, in order, and each one's cell class. A table of fifty rows then sends its
   * data once instead of every row's element tree (server CPU and page payload; see
   * app/(dashboard)/tenants/_components/tenant-rows.tsx). `rows` still decides the empty state.
   */
  body?: (columns: { id: string; className?: string }[]) => ReactNode;
  /** Filters etc., shown left of the column chooser. */
  toolbar?: ReactNode;
  empty?: ReactNode;
  /** Constrain height so the header sticks while the body scrolls, e.g. "70vh". */
  maxHeight?: string;
  /** Unique per page when a page has several tables (form ids). */
  id?: string;
  className?: string;
};

function SortHeader({ label, href, dir }: { label: string; href: string; dir: SortDir | undefined }) {
  return (
    <Link
      href={href}
      scroll={false}
      prefetch={false}
      className="group -mx-1 inline-flex items-center gap-1 rounded px-1 hover:text-fg"
    >
      {label}
      <span className={cn('transition-opacity', dir ? 'text-fg' : 'opacity-40 group-hover:opacity-100')}>
        <Icon name={dir === 'asc' ? 'arrowUp' : dir === 'desc' ? 'arrowDown' : 'arrowUpDown'} size={12} />
      </span>
      <span className="sr-only">{dir ? `, sorted ${dir === 'asc' ? 'ascending' : 'descending'}` : ', sortable'}</span>
    </Link>
  );
}

/** A cell's class only when it has one (an undefined prop still costs bytes in the page payload). */
function cellClass<T>(c: DataTableColumn<T>): { className?: string } {
  const className = cn(c.align === 'right' && 'tabular text-right', c.className);
  return className ? { className } : {};
}

/** Server-rendered, URL-driven table: sort links, column chooser, bulk selection, pagination. */
export function DataTable<T>(props: DataTableProps<T>) {
  const {
    caption,
    columns,
    rows,
    getRowId,
    pathname,
    searchParams,
    defaultSort,
    pagination,
    bulk,
    body,
    toolbar,
    empty,
    maxHeight,
    id = 'table',
    className,
  } = props;
  // A column without a cell is only for a table whose `body` renders the rows: never a blank column.
  const cellless = body ? undefined : columns.find((c) => !c.cell);
  if (cellless) throw new Error(`DataTable column "${cellless.id}" has no cell and the table has no body.`);
  const sortable = columns.filter((c) => c.sortable).map((c) => c.id);
  const { sort, dir, cols } = parseTableParams(searchParams, sortable, defaultSort);
  const isVisible = (c: DataTableColumn<T>) => c.hideable === false || (cols ? cols.includes(c.id) : !c.defaultHidden);
  const visible = columns.filter(isVisible);
  const formId = `${id}-bulk`;
  const boxName = bulk?.name ?? 'ids';

  return (
    <div className={cn('space-y-3', className)}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2">{toolbar}</div>
        <ColumnChooser
          pathname={pathname}
          keep={Object.entries(searchParams).flatMap(([k, v]) =>
            k === 'cols' || v === undefined
              ? []
              : (Array.isArray(v) ? v : [v]).map((val): [string, string] => [k, val]),
          )}
          resetHref={hrefWith(pathname, searchParams, { cols: null })}
          columns={columns
            .filter((c) => c.hideable !== false)
            .map((c) => ({ id: c.id, header: c.header, visible: isVisible(c) }))}
        />
      </div>

      {bulk ? (
        <form
          id={formId}
          action={bulk.action}
          method={typeof bulk.action === 'string' ? 'post' : undefined}
          className="flex flex-wrap items-center gap-2 rounded-lg border border-border bg-surface-2/60 px-3 py-2"
        >
          {Object.entries(bulk.hiddenFields ?? {}).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <SelectionCount formId={formId} name={boxName} />
          <span className="mx-1 h-4 w-px bg-border" aria-hidden="true" />
          {bulk.actions.map((a) => (
            <BulkActionButton key={a.value} formId={formId} name={boxName} value={a.value} variant={a.variant}>
              {a.label}
            </BulkActionButton>
          ))}
        </form>
      ) : null}

      {/* A hydration boundary (nothing suspends): the rows hydrate in their own interruptible pass. */}
      <Suspense>
        <TableContainer label={caption} maxHeight={maxHeight}>
          {/* Row and cell styles come from `.data-table` (globals.css): the look of <TR>/<TD> without their classes repeated in every cell of the HTML and of the page payload. */}
          <Table className="data-table">
            <caption className="sr-only">{caption}</caption>
            <THead>
              <tr>
                {bulk ? (
                  <TH className="w-10 pr-0">
                    <SelectAllCheckbox formId={formId} name={boxName} />
                  </TH>
                ) : null}
                {visible.map((c) => {
                  const active = sort === c.id ? dir : undefined;
                  const nextDir: SortDir = active ? (active === 'asc' ? 'desc' : 'asc') : (c.firstDir ?? 'asc');
                  return (
                    <TH
                      key={c.id}
                      align={c.align}
                      aria-sort={
                        c.sortable
                          ? active === 'asc'
                            ? 'ascending'
                            : active === 'desc'
                              ? 'descending'
                              : 'none'
                          : undefined
                      }
                      className={c.className}
                    >
                      {c.sortable ? (
                        <SortHeader
                          label={c.header}
                          dir={active}
                          href={hrefWith(pathname, searchParams, { sort: c.id, dir: nextDir, page: null })}
                        />
                      ) : (
                        c.header
                      )}
                    </TH>
                  );
                })}
              </tr>
            </THead>
            <TBody>
              {rows.length === 0 ? (
                <tr className="hover:bg-transparent">
                  <td colSpan={visible.length + (bulk ? 1 : 0)} className="p-4">
                    {empty ?? <EmptyState title="Nothing to show" description="No rows match the current filters." />}
                  </td>
                </tr>
              ) : body ? (
                body(visible.map((c) => ({ id: c.id, ...cellClass(c) })))
              ) : (
                rows.map((row) => {
                  const rowId = getRowId(row);
                  return (
                    <tr key={rowId}>
                      {bulk ? (
                        <td className="w-10 pr-0">
                          <input
                            type="checkbox"
                            form={formId}
                            name={boxName}
                            value={rowId}
                            aria-label={`Select ${bulk.rowLabel ? bulk.rowLabel(row) : rowId}`}
                            className={CHECKBOX_CLASSES}
                          />
                        </td>
                      ) : null}
                      {visible.map((c) => (
                        <td key={c.id} {...cellClass(c)}>
                          {c.cell?.(row)}
                        </td>
                      ))}
                    </tr>
                  );
                })
              )}
            </TBody>
          </Table>
        </TableContainer>
      </Suspense>

      {pagination ? <Pagination {...pagination} pathname={pathname} searchParams={searchParams} /> : null}
    </div>
  );
}
