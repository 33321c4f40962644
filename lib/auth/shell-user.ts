/**
 * The signed-in user shown in the dashboard shell's user slot (app/(dashboard)/layout.tsx):
 * name, email and the highest role they hold (scoped roles say so), or null when signed out.
 */
import { getPrincipal } from '@/lib/auth/context';
import { effectiveRole, hasRole, isFleetWide, roleLabel } from '@/lib/auth/principal';

/** isAdmin: may open admin pages (Settings), so the navigation shows them. */
export type ShellUser = { name: string; email: string; role: string; isAdmin: boolean };

export async function getShellUser(): Promise<ShellUser | null> {
  const p = await getPrincipal();
  if (!p) return null;
  const role = effectiveRole(p);
  const label = role ? `${roleLabel(role)}${isFleetWide(p, role) ? '' : ' (scoped)'}` : 'No access';
  return { name: p.name, email: p.email, role: label, isAdmin: hasRole(p, 'admin') };
}
