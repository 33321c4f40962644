import Link from 'next/link';
import { cn } from '@/components/ui/cn';
import { formatNumber, hrefWith, type SearchParams } from '@/lib/utils';
import { Icon } from './icon';

export type PaginationProps = {
  /** 1-based current page. */
  page: number;
  pageSize: number;
  total: number;
  /** Current path; hrefs keep every other search param. */
  pathname: string;
  searchParams?: SearchParams;
  /** Search param holding the page number. */
  param?: string;
  className?: string;
};

/** Page numbers to show: first, last, and a window around the current page, with gaps as null. */
export function pageWindow(page: number, pages: number): (number | null)[] {
  const set = new Set([1, pages, page - 1, page, page + 1].filter((p) => p >= 1 && p <= pages));
  const sorted = [...set].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((p, i) => {
    const prev = sorted[i - 1];
    if (prev !== undefined && p - prev > 1) out.push(null);
    out.push(p);
  });
  return out;
}

const ITEM = 'inline-flex h-7 min-w-7 items-center justify-center rounded-md px-2 text-xs font-medium tabular';

/** URL-driven pagination: plain links, works without JavaScript. */
export function Pagination({
  page,
  pageSize,
  total,
  pathname,
  searchParams,
  param = 'page',
  className,
}: PaginationProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const from = total === 0 ? 0 : (current - 1) * pageSize + 1;
  const to = Math.min(total, current * pageSize);
  const href = (p: number) => hrefWith(pathname, searchParams, { [param]: p === 1 ? null : p });

  return (
    <nav
      aria-label="Pagination"
      className={cn('flex flex-wrap items-center justify-between gap-3 text-xs text-fg-muted', className)}
    >
      <p className="tabular">
        {formatNumber(from)}–{formatNumber(to)} of {formatNumber(total)}
      </p>
      <ul className="flex items-center gap-1">
        <li>
          {current > 1 ? (
            <Link
              href={href(current - 1)}
              prefetch={false}
              rel="prev"
              className={cn(ITEM, 'gap-1 text-fg hover:bg-surface-2')}
            >
              <Icon name="chevronLeft" size={14} /> Previous
            </Link>
          ) : (
            <span aria-disabled="true" className={cn(ITEM, 'gap-1 opacity-50')}>
              <Icon name="chevronLeft" size={14} /> Previous
            </span>
          )}
        </li>
        {pageWindow(current, pages).map((p, i) =>
          p === null ? (
            <li key={`gap-${i}`} aria-hidden="true" className={ITEM}>
              …
            </li>
          ) : (
            <li key={p} className="hidden sm:block">
              <Link
                href={href(p)}
                prefetch={false}
                aria-current={p === current ? 'page' : undefined}
                aria-label={`Page ${p}`}
                className={cn(ITEM, p === current ? 'bg-inverse text-inverse-fg' : 'text-fg hover:bg-surface-2')}
              >
                {p}
              </Link>
            </li>
          ),
        )}
        <li>
          {current < pages ? (
            <Link
              href={href(current + 1)}
              prefetch={false}
              rel="next"
              className={cn(ITEM, 'gap-1 text-fg hover:bg-surface-2')}
            >
              Next <Icon name="chevronRight" size={14} />
            </Link>
          ) : (
            <span aria-disabled="true" className={cn(ITEM, 'gap-1 opacity-50')}>
              Next <Icon name="chevronRight" size={14} />
            </span>
          )}
        </li>
      </ul>
    </nav>
  );
}
