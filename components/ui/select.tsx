import type { SelectHTMLAttributes } from 'react';
import { cn } from '@/components/ui/cn';
import { CONTROL_CLASSES } from './control';
import { Icon } from './icon';

export type SelectOption = { value: string; label: string; disabled?: boolean };
export type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & { options?: SelectOption[] };

/** Native select (keyboard and mobile friendly) with a custom chevron. Pass `options` or <option> children. */
export function Select({ className, options, children, ...rest }: SelectProps) {
  return (
    <div className={cn('relative', className)}>
      <select className={cn(CONTROL_CLASSES, 'h-8 appearance-none pr-8')} {...rest}>
        {options?.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
        {children}
      </select>
      <span className="pointer-events-none absolute inset-y-0 right-2 flex items-center text-fg-muted">
        <Icon name="chevronDown" size={14} />
      </span>
    </div>
  );
}
