import { Suspense, type ReactNode } from 'react';
import type { Theme } from './theme';
import { Brand } from './brand';
import { NavPanel, NavPanelButton } from './nav-panel';
import { TenantSearch } from './tenant-search';
import { ThemeToggle } from './theme-toggle';
import { UserMenu, type UserMenuProps } from './user-menu';

export type AppShellProps = {
  user: UserMenuProps['user'];
  theme: Theme;
  /** Counts beside nav items, keyed by href. */
  navBadges?: Partial<Record<string, string | number>>;
  children: ReactNode;
};

/** Dashboard frame: skip link, sidebar (lg+) or drawer, header with search/theme/user, main. */
export function AppShell({ user, theme, navBadges, children }: AppShellProps) {
  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[15rem_minmax(0,1fr)]">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50 focus:rounded-md focus:bg-inverse focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-inverse-fg"
      >
        Skip to content
      </a>
      {/*
        The sidebar (lg+) and the drawer below it, one element (nav-panel.tsx). Suspense without a
        fallback: nothing here suspends, but a boundary lets React hydrate the navigation in its
        own low-priority, interruptible pass after the page, instead of inside one long hydration
        task (Total Blocking Time). Same markup, same behaviour.
      */}
      <Suspense>
        <NavPanel badges={navBadges} isAdmin={user?.isAdmin ?? false} />
      </Suspense>
      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-20 flex min-h-14 flex-wrap items-center gap-x-3 gap-y-2 border-b border-border bg-bg/85 px-4 py-2 backdrop-blur supports-[backdrop-filter]:bg-bg/70 sm:h-14 sm:flex-nowrap sm:py-0 lg:px-6">
          <NavPanelButton />
          <div className="lg:hidden">
            <Brand />
          </div>
          {/* Below sm the search takes a row of its own, full width, instead of being squeezed between the buttons. */}
          <div className="order-last flex min-w-0 basis-full justify-center sm:order-none sm:flex-1 sm:basis-auto lg:justify-start">
            <TenantSearch />
          </div>
          <div className="ml-auto flex shrink-0 items-center gap-2 sm:ml-0">
            <ThemeToggle theme={theme} />
            <UserMenu user={user} />
          </div>
        </header>
        {/*
          scroll-margin = the sticky header's height (two rows below sm): the skip link and #main
          scroll main's top below the header, not under it (the first thing in main is the banner).
        */}
        <main id="main" tabIndex={-1} className="flex-1 scroll-mt-28 px-4 py-6 outline-none sm:scroll-mt-14 lg:px-8">
          <div className="mx-auto w-full max-w-[1440px]">{children}</div>
        </main>
      </div>
    </div>
  );
}
