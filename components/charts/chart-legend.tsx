import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

export type LegendItem = { key: string; label: string; color: string; value?: ReactNode; href?: string };

/**
 * Visible legend. Labels are real text (links when `href` is set): this is how keyboard users
 * reach per-segment drill-downs. Values are hidden from screen readers (the data table has them).
 * Each label is 24px tall (WCAG 2.2 target size) and links do not prefetch: a legend is a row of
 * filtered lists, and prefetching each on every page view costs the server a query apiece.
 */
export function ChartLegend({
  items,
  layout = 'row',
  className,
}: {
  items: LegendItem[];
  layout?: 'row' | 'column';
  className?: string;
}) {
  return (
    <ul className={cn(layout === 'row' ? 'flex flex-wrap gap-x-4' : 'flex flex-col', 'text-xs', className)}>
      {items.map((it) => (
        <li key={it.key} className={cn('flex items-center gap-2', layout === 'column' && 'justify-between')}>
          <span className="flex min-w-0 items-center gap-2">
            <span aria-hidden="true" className="size-2.5 shrink-0 rounded-[3px]" style={{ background: it.color }} />
            {it.href ? (
              <Link href={it.href} prefetch={false} className="truncate py-1 text-fg hover:underline">
                {it.label}
              </Link>
            ) : (
              <span className="truncate py-1 text-fg">{it.label}</span>
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
