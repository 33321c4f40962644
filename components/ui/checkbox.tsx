import type { InputHTMLAttributes, ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

export type CheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & {
  label?: ReactNode;
  hint?: ReactNode;
};

export const CHECKBOX_CLASSES =
  'size-4 shrink-0 cursor-pointer rounded border-border-strong accent-[var(--fg)] disabled:cursor-not-allowed';

/** Native checkbox; with `label` it renders its own clickable <label>. */
export function Checkbox({ label, hint, className, id, ...rest }: CheckboxProps) {
  const input = <input type="checkbox" id={id} className={cn(CHECKBOX_CLASSES, !label && className)} {...rest} />;
  if (!label) return input;
  return (
    <label className={cn('inline-flex cursor-pointer items-start gap-2 text-sm text-fg', className)}>
      <span className="flex h-5 items-center">{input}</span>
      <span>
        {label}
        {hint ? <span className="block text-xs text-fg-muted">{hint}</span> : null}
      </span>
    </label>
  );
}
