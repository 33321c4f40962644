// The "Pick an account" part of the Entra sign-in page, shared by the authorization endpoint
// (sim/entra/authorize.ts) and the admin consent endpoint (sim/entra/admin-consent.ts).
import type { TenantRecord, UserRecord } from '../directory/directory';
import type { SimContext } from '../sim-context';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The accounts offered: the tenant's users, or (for `common`/`organizations`) every tenant's, capped. */
export function candidateUsers(
  ctx: SimContext,
  tenant: TenantRecord | 'multi',
): { tenant: TenantRecord; user: UserRecord }[] {
  const out: { tenant: TenantRecord; user: UserRecord }[] = [];
  const tenants = tenant === 'multi' ? ctx.directory.tenants.values() : [tenant][Symbol.iterator]();
  for (const t of tenants) {
    for (const user of t.users.values()) out.push({ tenant: t, user });
    if (out.length > 200) break;
  }
  return out;
}

/** The request's parameters carried through the picker's form posts. */
export function hiddenInputs(entries: Iterable<[string, string]>): string {
  return [...entries].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
}

/** One submit button per account (`name="user"`, the UPN as value and `data-upn`). */
export function accountButtons(
  users: { tenant: TenantRecord; user: UserRecord }[],
  opts: { withTenant?: boolean } = {},
): string {
  return users
    .map(
      ({ tenant: t, user }) =>
        `<li><button type="submit" name="user" value="${esc(user.userPrincipalName)}" data-upn="${esc(user.userPrincipalName)}">${esc(user.displayName)} <small>${esc(user.userPrincipalName)}${opts.withTenant ? ` · ${esc(t.displayName)}` : ''}</small></button></li>`,
    )
    .join('');
}
