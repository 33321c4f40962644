import { Icon } from '@/components/ui/icon';
import { buttonClasses } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';

export type UserMenuProps = { user: { name: string; email: string; role: string; isAdmin?: boolean } | null };

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase() || '?';
}

/**
 * Signed-in user slot. A Popover-API menu (no JS needed) with identity, role and a sign-out
 * form that POSTs to /auth/sign-out. Null user → a "Sign in" link.
 */
export function UserMenu({ user }: UserMenuProps) {
  if (!user) {
    return (
      <a href="/auth/sign-in" className={buttonClasses('primary', 'sm')}>
        Sign in
      </a>
    );
  }
  return (
    <>
      {/* Named by its content ("Account: <name>"), so the name always contains the visible text. */}
      <button
        type="button"
        popoverTarget="user-menu"
        className="flex h-8 items-center gap-2 rounded-md pr-2 pl-1 text-sm text-fg hover:bg-surface-2"
      >
        <span
          aria-hidden="true"
          className="grid size-6 place-items-center rounded-full bg-accent-bg text-[11px] font-semibold text-accent"
        >
          {initials(user.name)}
        </span>
        <span className="sr-only">Account: </span>
        <span className="sr-only md:not-sr-only">
          <span className="block max-w-32 truncate">{user.name}</span>
        </span>
        <Icon name="chevronDown" size={12} className="text-fg-muted" />
      </button>
      <div
        id="user-menu"
        popover="auto"
        className="fixed inset-auto top-14 right-3 m-0 w-64 rounded-lg border border-border bg-surface p-0 text-fg shadow-xl"
      >
        <div className="space-y-1 border-b border-border p-3">
          <p className="truncate text-sm font-medium">{user.name}</p>
          <p className="truncate text-xs text-fg-muted">{user.email}</p>
          <Badge tone="accent" className="mt-1 capitalize">
            {user.role}
          </Badge>
        </div>
        <form action="/auth/sign-out" method="post" className="p-1">
          <button
            type="submit"
            className="flex h-8 w-full items-center gap-2 rounded-md px-2 text-sm text-fg hover:bg-surface-2"
          >
            <Icon name="logOut" className="text-fg-muted" />
            Sign out
          </button>
        </form>
      </div>
    </>
  );
}
