'use server';

import { cookies, headers } from 'next/headers';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import { defaultAuthDeps } from '@/lib/auth/auth-core';
import { isSecureContext } from '@/lib/http/request-context';
import { THEME_COOKIE, THEMES } from './theme';

/**
 * The theme switch behind the same checks as every action (same origin, a session): the toggle
 * is only shown to signed-in users. The cookie is `Secure` only when the dashboard is reached
 * over https (a browser drops a Secure cookie set over plain http anywhere but localhost).
 */
const themeAction = defineAction({
  name: 'theme.set',
  role: 'viewer',
  input: z.object({ theme: z.enum(THEMES) }),
  async handler({ theme }) {
    const secure = isSecureContext(await headers(), defaultAuthDeps().origin);
    (await cookies()).set(THEME_COOKIE, theme, {
      path: '/',
      maxAge: 60 * 60 * 24 * 365,
      sameSite: 'lax',
      httpOnly: false,
      secure,
    });
  },
});

/** Persist the theme preference. Works as a plain form POST without JavaScript. */
export async function setThemeAction(formData: FormData): Promise<void> {
  await themeAction(null, formData);
}
