import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { THEME_COOKIE, parseTheme } from '@/components/shell/theme';
import { cn } from '@/lib/utils';
import { geistMono, geistSans } from './_fonts/fonts';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Rekey', template: '%s · Rekey' },
  description: 'Find and rotate stale or compromised vendor connector certificates across Microsoft 365 tenants.',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f7f7f8' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Theme comes from a cookie so the server renders the right class: no inline script, no flash.
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" className={cn(theme, geistSans.variable, geistMono.variable)} data-theme={theme}>
      <body>{children}</body>
    </html>
  );
}
