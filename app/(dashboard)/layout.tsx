import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { getPrincipal } from '@/lib/auth/context';
import { getShellUser } from '@/lib/auth/shell-user';
import { findSystemProblems } from '@/lib/ops/health-report';
import { AppShell } from '@/components/shell/app-shell';
import { THEME_COOKIE, parseTheme } from '@/components/shell/theme';
import { SystemBanner } from './_components/system-banner';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const [user, store, problems] = await Promise.all([
    getShellUser(),
    cookies(),
    getPrincipal().then((p) => findSystemProblems(p, new Date())),
  ]);
  const theme = parseTheme(store.get(THEME_COOKIE)?.value);
  return (
    <AppShell user={user} theme={theme}>
      <SystemBanner problems={problems} />
      {children}
    </AppShell>
  );
}
