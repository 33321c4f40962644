'use client';

import { useEffect, useRef } from 'react';
import { usePathname } from 'next/navigation';
import { Icon } from '@/components/ui/icon';
import { Brand } from './brand';
import { SidebarNav, type SidebarNavProps } from './sidebar-nav';

const ID = 'mobile-nav';

/**
 * Drawer navigation under the lg breakpoint, built on the Popover API: it opens, closes on
 * Escape / outside click and is keyboard operable even before JavaScript loads. With JS it moves
 * focus into the drawer and closes after navigation.
 */
export function MobileNav({ badges, isAdmin }: Pick<SidebarNavProps, 'badges' | 'isAdmin'>) {
  const ref = useRef<HTMLDivElement>(null);
  const pathname = usePathname();

  useEffect(() => {
    ref.current?.hidePopover?.();
  }, [pathname]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onToggle = (e: Event) => {
      if ((e as ToggleEvent).newState === 'open') {
        const target = el.querySelector<HTMLElement>('[aria-current="page"]') ?? el.querySelector<HTMLElement>('nav a');
        target?.focus();
      }
    };
    el.addEventListener('toggle', onToggle);
    return () => el.removeEventListener('toggle', onToggle);
  }, []);

  return (
    <>
      <button
        type="button"
        popoverTarget={ID}
        aria-label="Open navigation"
        className="grid size-8 place-items-center rounded-md text-fg-muted hover:bg-surface-2 hover:text-fg lg:hidden"
      >
        <Icon name="menu" />
      </button>
      <div
        ref={ref}
        id={ID}
        popover="auto"
        aria-label="Navigation"
        className="fixed inset-y-0 right-auto left-0 m-0 h-dvh max-h-none w-72 max-w-[85vw] border-0 border-r border-border bg-surface p-0 text-fg shadow-2xl backdrop:bg-black/40 lg:hidden"
      >
        <div className="flex h-full flex-col gap-4 overflow-y-auto p-3">
          <div className="flex items-center justify-between">
            <Brand />
            <button
              type="button"
              popoverTarget={ID}
              popoverTargetAction="hide"
              aria-label="Close navigation"
              className="grid size-8 place-items-center rounded-md text-fg-muted hover:bg-surface-2 hover:text-fg"
            >
              <Icon name="x" />
            </button>
          </div>
          <SidebarNav badges={badges} idPrefix="drawer" isAdmin={isAdmin} />
        </div>
      </div>
    </>
  );
}
