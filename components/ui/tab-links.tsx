import Link from 'next/link';
import { cn } from '@/components/ui/cn';

export type TabLink = { href: string; label: string; count?: number };

/**
 * URL-driven section tabs (each tab is a page or a `?tab=` link). Server component, works
 * without JavaScript. Uses nav + aria-current, which is the right pattern for navigation.
 */
export function TabLinks({
  tabs,
  current,
  label,
  className,
}: {
  tabs: TabLink[];
  current: string;
  label: string;
  className?: string;
}) {
  return (
    <nav aria-label={label} className={cn('border-b border-border', className)}>
      <ul className="-mb-px flex gap-4 overflow-x-auto">
        {tabs.map((t) => {
          const active = t.href === current;
          return (
            <li key={t.href}>
              <Link
                href={t.href}
                aria-current={active ? 'page' : undefined}
                className={cn(
                  'inline-flex h-9 items-center gap-1.5 border-b-2 px-0.5 text-sm font-medium whitespace-nowrap transition-colors',
                  active
                    ? 'border-fg text-fg'
                    : 'border-transparent text-fg-muted hover:border-border-strong hover:text-fg',
                )}
              >
                {t.label}
                {t.count !== undefined ? (
                  <span className="tabular rounded bg-surface-2 px-1.5 text-xs text-fg-muted">{t.count}</span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
