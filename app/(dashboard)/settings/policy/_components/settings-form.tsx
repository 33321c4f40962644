'use client';

import { useActionState, useEffect, useRef, useTransition, type FormEvent, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { ActionFn, ActionResult } from '@/lib/auth/action';
import { cn } from '@/components/ui/cn';

type Result = ActionResult<{ message: string }> | null;

/**
 * A settings form bound to a defineAction that answers `{ message }`. Dispatched from onSubmit so
 * a refused form keeps what was typed; the server's message (how many connectors changed, which
 * line is wrong) is announced politely. Used by Settings › Status policy, Detection and Connector types.
 */
export function SettingsForm({
  action,
  submitLabel,
  pendingLabel = 'Saving…',
  children,
  className,
  label,
  resetOnSuccess,
}: {
  action: ActionFn<{ message: string }>;
  submitLabel: string;
  pendingLabel?: string;
  children: ReactNode;
  className?: string;
  label: string;
  resetOnSuccess?: boolean;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, dispatch, pending] = useActionState<Result, FormData>(
    action as (p: Result, f: FormData) => Promise<Result>,
    null,
  );
  const [, startTransition] = useTransition();
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    startTransition(() => dispatch(fd));
  }
  useEffect(() => {
    if (state?.ok && resetOnSuccess) formRef.current?.reset();
  }, [state, resetOnSuccess]);
  const fieldErrors =
    state && !state.ok ? Object.entries(state.error.fieldErrors ?? {}).filter(([k]) => k !== '_form') : [];
  return (
    <form ref={formRef} onSubmit={onSubmit} className={cn('space-y-4', className)} aria-label={label}>
      {children}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </Button>
      </div>
      <div aria-live="polite">
        {state?.ok ? (
          <Alert tone="success" live="none" title="Saved">
            {state.data.message}
          </Alert>
        ) : null}
        {state && !state.ok ? (
          <Alert tone="danger" live="none" title="Not saved">
            <p className="whitespace-pre-line">{state.error.message}</p>
            {fieldErrors.length ? (
              <ul className="mt-1 list-disc pl-5">
                {fieldErrors.map(([k, v]) => (
                  <li key={k}>
                    {k}: {v.join(' ')}
                  </li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : null}
      </div>
    </form>
  );
}
