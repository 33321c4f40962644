import type { LabelHTMLAttributes, ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { Icon } from './icon';

export function Label({ className, ...rest }: LabelHTMLAttributes<HTMLLabelElement>) {
  return <label className={cn('block text-sm font-medium text-fg', className)} {...rest} />;
}

/** Props Field hands to its control so label, hint and error are wired up. */
export type FieldControlProps = {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  required?: boolean;
};

export type FieldProps = {
  /** The control's id; hint/error ids derive from it. */
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  required?: boolean;
  className?: string;
  /** Render the control with the wiring props spread onto it: `{(p) => <Input {...p} name="q" />}`. */
  children: (props: FieldControlProps) => ReactNode;
};

/** Label + control + hint + error, with aria-describedby / aria-invalid set for you. */
export function Field({ id, label, hint, error, required, className, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('space-y-1.5', className)}>
      <Label htmlFor={id}>
        {label}
        {required ? (
          <span className="ml-0.5 text-danger" aria-hidden="true">
            *
          </span>
        ) : null}
      </Label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, required })}
      {hint ? (
        <p id={hintId} className="text-xs text-fg-muted">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="flex items-center gap-1 text-xs font-medium text-danger">
          <Icon name="alert" size={12} />
          {error}
        </p>
      ) : null}
    </div>
  );
}
