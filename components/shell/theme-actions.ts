'use server';

import { cookies } from 'next/headers';
import { THEME_COOKIE, parseTheme } from './theme';

/** Persist the theme preference. Works as a plain form POST without JavaScript. */
export async function setThemeAction(formData: FormData): Promise<void> {
  const raw = formData.get('theme');
  const theme = parseTheme(typeof raw === 'string' ? raw : undefined);
  const store = await cookies();
  store.set(THEME_COOKIE, theme, {
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
    sameSite: 'lax',
    httpOnly: false,
    secure: process.env.NODE_ENV === 'production',
  });
}
