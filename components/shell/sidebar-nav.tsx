'use client';

import Link, { useLinkStatus } from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';
import { Icon } from '@/components/ui/icon';
import { NAV_GROUPS, isActive } from './nav-items';

export type SidebarNavProps = {
  /** Small counts beside items, keyed by href, e.g. { '/advisories': 2 }. */
  badges?: Partial<Record<string, string | number>>;
  /** Prefix of the group headings' ids (unique per page).*/
  idPrefix: string;
  onNavigate?: () => void;
  /** Shows the admin-only groups (Settings). */
  isAdmin?: boolean;
};

/**
 * Shown inside a nav link while the navigation it started is pending (pages render on the server
 * before they show; this is the immediate feedback). Decorative: the page title announces arrival.
 */
function PendingMark() {
  const { pending } = useLinkStatus();
  return pending ? (
    <span aria-hidden="true" className="size-1.5 shrink-0 animate-pulse rounded-full bg-accent" />
  ) : null;
}

/** Primary nav links with the active item marked (aria-current="page"). */
export function SidebarNav({ badges, idPrefix, onNavigate, isAdmin = false }: SidebarNavProps) {
  const pathname = usePathname() ?? '/';
  return (
    <nav aria-label="Primary" className="flex flex-col gap-5">
      {NAV_GROUPS.filter((g) => isAdmin || !g.adminOnly).map((group) => (
        <div key={group.id}>
          <p
            id={`${idPrefix}-${group.id}`}
            className="px-2 pb-1 text-[11px] font-medium tracking-wider text-fg-subtle uppercase"
          >
            {group.label}
          </p>
          <ul aria-labelledby={`${idPrefix}-${group.id}`} className="flex flex-col gap-px">
            {group.items.map((item) => {
              const active = isActive(pathname, item.href);
              const badge = badges?.[item.href];
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    onClick={onNavigate}
                    aria-current={active ? 'page' : undefined}
                    className={cn(
                      'group flex h-8 items-center gap-2.5 rounded-md px-2 text-sm transition-colors',
                      active ? 'bg-surface-3 font-medium text-fg' : 'text-fg-muted hover:bg-surface-2 hover:text-fg',
                    )}
                  >
                    <Icon
                      name={item.icon}
                      className={cn(active ? 'text-fg' : 'text-fg-subtle group-hover:text-fg-muted')}
                    />
                    <span className="flex-1 truncate">{item.label}</span>
                    <PendingMark />
                    {badge !== undefined ? (
                      <span className="tabular rounded-full bg-danger-bg px-1.5 text-[11px] font-medium text-danger">
                        {badge}
                      </span>
                    ) : null}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
