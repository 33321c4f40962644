'use client';

import { Icon } from '@/components/ui/icon';
import { CHECKBOX_CLASSES } from '@/components/ui/checkbox';
import { buttonClasses } from '@/components/ui/button';

export type ChooserColumn = { id: string; header: string; visible: boolean };

/**
 * Show/hide columns. A <details> disclosure holding a GET form that writes `cols` to the URL;
 * other params are kept as hidden inputs. No JavaScript needed; the URL is shareable. A client
 * component (server-rendered like any other) so that the page payload carries the columns as data
 * rather than the form's element tree: every table page renders it on every request. The server
 * works out what the form keeps and the Reset link (components/tables/data-table.tsx).
 */
export function ColumnChooser({
  columns,
  pathname,
  keep,
  resetHref,
}: {
  columns: ChooserColumn[];
  pathname: string;
  keep: [string, string][];
  resetHref: string;
}) {
  return (
    <details className="group relative">
      <summary
        className={buttonClasses('secondary', 'sm', 'cursor-pointer list-none [&::-webkit-details-marker]:hidden')}
      >
        <Icon name="columns" size={14} />
        Columns
        <Icon name="chevronDown" size={12} className="transition-transform group-open:rotate-180" />
      </summary>
      <form
        method="get"
        action={pathname}
        className="absolute right-0 z-30 mt-1 w-56 rounded-lg border border-border bg-surface p-2 shadow-lg"
      >
        {keep.map(([k, v], i) => (
          <input key={`${k}-${i}`} type="hidden" name={k} value={v} />
        ))}
        <input type="hidden" name="cols" value="_" />
        <fieldset>
          <legend className="px-1.5 pb-1 text-xs font-medium text-fg-muted">Visible columns</legend>
          {columns.map((c) => (
            <label
              key={c.id}
              className="flex cursor-pointer items-center gap-2 rounded-md px-1.5 py-1 text-sm hover:bg-surface-2"
            >
              <input type="checkbox" name="cols" value={c.id} defaultChecked={c.visible} className={CHECKBOX_CLASSES} />
              {c.header}
            </label>
          ))}
        </fieldset>
        <div className="mt-2 flex items-center justify-between gap-2 border-t border-border pt-2">
          <a href={resetHref} className="px-1.5 text-xs text-fg-muted hover:text-fg hover:underline">
            Reset
          </a>
          <button type="submit" className={buttonClasses('primary', 'sm')}>
            Apply
          </button>
        </div>
      </form>
    </details>
  );
}
