'use client';

import { useEffect, useRef } from 'react';
import { usePathname } from 'next/navigation';
import { Icon } from '@/components/ui/icon';
import { Brand } from './brand';
import { SidebarNav, type SidebarNavProps } from './sidebar-nav';

const ID = 'nav-panel';
/** Tailwind's `lg` breakpoint, where the panel is the sidebar. */
const WIDE = '(min-width: 64rem)';

/** The header's button that opens the panel as a drawer below `lg` (works before JavaScript loads). */
export function NavPanelButton() {
  return (
    <button
      type="button"
      popoverTarget={ID}
      aria-label="Open navigation"
      className="grid size-8 place-items-center rounded-md text-fg-muted hover:bg-surface-2 hover:text-fg lg:hidden"
    >
      <Icon name="menu" />
    </button>
  );
}

/**
 * The navigation, rendered once: the sidebar from `lg` up, and below it a drawer built on the
 * Popover API. The drawer opens from NavPanelButton, closes on Escape or an outside click, and works
 * with the keyboard before JavaScript loads. With JavaScript it moves focus into the drawer, and
 * closes after a navigation or when the window grows to `lg`.
 *
 * One element plays both parts. From `lg` up, author CSS shows it in the page's grid even when it
 * is not open (author styles outrank the browser's `[popover]:not(:popover-open) { display: none }`).
 * Below `lg`, it is hidden until opened, then drawn in the top layer. Rendering the links once
 * halves the shell's navigation markup that every page sends and hydrates.
 */
export function NavPanel({ badges, isAdmin }: Pick<SidebarNavProps, 'badges' | 'isAdmin'>) {
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
    // An open drawer would stay in the top layer over the sidebar it becomes at `lg`.
    const wide = window.matchMedia(WIDE);
    const onWide = () => {
      if (wide.matches) el.hidePopover?.();
    };
    el.addEventListener('toggle', onToggle);
    wide.addEventListener('change', onWide);
    return () => {
      el.removeEventListener('toggle', onToggle);
      wide.removeEventListener('change', onWide);
    };
  }, []);

  return (
    <div
      ref={ref}
      id={ID}
      popover="auto"
      aria-label="Navigation"
      className="m-0 border-0 bg-surface p-0 text-fg backdrop:bg-black/40 max-lg:fixed max-lg:inset-y-0 max-lg:right-auto max-lg:left-0 max-lg:h-dvh max-lg:max-h-none max-lg:w-72 max-lg:max-w-[85vw] max-lg:border-r max-lg:border-border max-lg:shadow-2xl lg:sticky lg:inset-auto lg:top-0 lg:flex lg:h-dvh lg:max-h-none lg:w-auto lg:max-w-none lg:flex-col lg:overflow-y-auto lg:border-r lg:border-border"
    >
      <div className="flex min-h-full flex-col gap-4 p-3 lg:gap-6">
        <div className="flex h-8 items-center justify-between">
          <Brand />
          <button
            type="button"
            popoverTarget={ID}
            popoverTargetAction="hide"
            aria-label="Close navigation"
            className="grid size-8 place-items-center rounded-md text-fg-muted hover:bg-surface-2 hover:text-fg lg:hidden"
          >
            <Icon name="x" />
          </button>
        </div>
        <SidebarNav badges={badges} idPrefix="nav" isAdmin={isAdmin} />
      </div>
    </div>
  );
}
