'use client';
import { useActionState, type ReactNode } from 'react';
import type { ActionFn, ActionResult } from '@/lib/auth/action';
import { cn } from '@/components/ui/cn';

/**
 * A form bound to a defineAction server action with useActionState: shows the error message
 * (role needed, validation) or a short success note. Works without JavaScript too.
 */
export function ActionForm<T>({
  action,
  children,
  success,
  className,
  inline,
}: {
  action: ActionFn<T>;
  children: ReactNode;
  success?: string;
  className?: string;
  inline?: boolean;
}) {
  const [state, formAction, pending] = useActionState<ActionResult<T> | null, FormData>(action, null);
  return (
    <form
      action={formAction}
      className={cn(inline ? 'inline-flex items-center gap-2' : 'space-y-3', className)}
      aria-busy={pending}
    >
      {children}
      <p
        role="status"
        aria-live="polite"
        className={cn('text-xs', state && !state.ok ? 'text-danger' : 'text-fg-muted', !state && 'sr-only')}
      >
        {state ? (state.ok ? (success ?? 'Saved.') : state.error.message) : ''}
        {state && !state.ok && state.error.fieldErrors ? (
          <span className="block">
            {Object.entries(state.error.fieldErrors)
              .map(([k, v]) => `${k}: ${v.join(', ')}`)
              .join('; ')}
          </span>
        ) : null}
      </p>
    </form>
  );
}
