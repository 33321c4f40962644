import { cn } from '@/components/ui/cn';
import { Icon, type IconName } from '@/components/ui/icon';
import { setThemeAction } from './theme-actions';
import type { Theme } from './theme';

const OPTIONS: { value: Theme; label: string; icon: IconName }[] = [
  { value: 'light', label: 'Light theme', icon: 'sun' },
  { value: 'dark', label: 'Dark theme', icon: 'moon' },
  { value: 'system', label: 'System theme', icon: 'monitor' },
];

/** Three-way theme switch. A server-action form: works without JS, no inline script, no flash. */
export function ThemeToggle({ theme }: { theme: Theme }) {
  return (
    <form action={setThemeAction}>
      <div
        role="group"
        aria-label="Colour theme"
        className="flex items-center rounded-md border border-border bg-surface-2 p-0.5"
      >
        {OPTIONS.map((o) => {
          const active = o.value === theme;
          return (
            <button
              key={o.value}
              type="submit"
              name="theme"
              value={o.value}
              aria-label={o.label}
              aria-pressed={active}
              title={o.label}
              className={cn(
                'grid size-6 place-items-center rounded-[5px] transition-colors',
                active ? 'bg-surface text-fg shadow-xs' : 'text-fg-muted hover:text-fg',
              )}
            >
              <Icon name={o.icon} size={14} />
            </button>
          );
        })}
      </div>
    </form>
  );
}
