import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { optionalPageContext } from '@/lib/auth/context';
import { getShellUser } from '@/lib/auth/shell-user';
import { findShellBanners } from '@/lib/ops/health-report';
import { AppShell } from '@/components/shell/app-shell';
import { THEME_COOKIE, parseTheme } from '@/components/shell/theme';
import { OnboardingBanner } from './_components/onboarding-banner';
import { SystemBanner } from './_components/system-banner';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // Signed out (the sign-in redirect is the page's): no banners.
  const ctx = optionalPageContext();
  const [user, store, { problems, onboarding }] = await Promise.all([
    getShellUser(),
    cookies(),
    ctx.then((c) => (c ? findShellBanners(c) : { problems: [], onboarding: null })),
  ]);
  const theme = parseTheme(store.get(THEME_COOKIE)?.value);
  return (
    <AppShell user={user} theme={theme}>
      <SystemBanner problems={problems} />
      <OnboardingBanner progress={onboarding} />
      {children}
    </AppShell>
  );
}
