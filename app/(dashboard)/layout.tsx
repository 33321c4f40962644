import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { getShellUser } from '@/lib/auth/shell-user';
import { AppShell } from '@/components/shell/app-shell';
import { THEME_COOKIE, parseTheme } from '@/components/shell/theme';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const [user, store] = await Promise.all([getShellUser(), cookies()]);
  const theme = parseTheme(store.get(THEME_COOKIE)?.value);
  return (
    <AppShell user={user} theme={theme}>
      {children}
    </AppShell>
  );
}
