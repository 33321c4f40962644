import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from '@/lib/utils';

export type LegendItem = { key: string; label: string; color: string; value?: ReactNode; href?: string };

/**
 * Visible legend. Labels are real text (links when `href` is set): this is how keyboard users
 * reach per-segment drill-downs. Values are hidden from screen readers (the data table has them).
 */
export function ChartLegend({ items, layout = 'row', className }: { items: LegendItem[]; layout?: 'row' | 'column'; className?: string }) {
  return (
    <ul className={cn(layout === 'row' ? 'flex flex-wrap gap-x-4 gap-y-1.5' : 'flex flex-col gap-1', 'text-xs', className)}>
      {items.map((it) => (
        <li key={it.key} className={cn('flex items-center gap-2', layout === 'column' && 'justify-between')}>
          <span className="flex min-w-0 items-center gap-2">
            <span aria-hidden="true" className="size-2.5 shrink-0 rounded-[3px]" style={{ background: it.color }} />
            {it.href ? (
              <Link href={it.href} className="truncate text-fg hover:underline">
                {it.label}
              </Link>
            ) : (
              <span className="truncate text-fg">{it.label}</span>
            )}
          </span>
          {it.value !== undefined ? (
            <span aria-hidden="true" className="tabular text-fg-muted">
              {it.value}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
