'use client';

import { useId, useState, type ReactNode } from 'react';
import { useFormStatus } from 'react-dom';
import { cn } from '@/components/ui/cn';
import { Button, type ButtonSize, type ButtonVariant } from './button';
import { CONTROL_CLASSES } from './control';
import { Icon } from './icon';
import { useDialog } from './dialog';

export type ConfirmDialogProps = {
  triggerLabel: ReactNode;
  triggerVariant?: ButtonVariant;
  triggerSize?: ButtonSize;
  title: ReactNode;
  description?: ReactNode;
  /** Impact summary shown above the confirmation (what will change, how many tenants…). */
  children?: ReactNode;
  confirmLabel?: string;
  /** `danger` styles the confirm button red and shows a warning icon. */
  tone?: 'danger' | 'default';
  /** When set, the user must type this exact phrase before confirming. */
  requireText?: string;
  /** Server action (or URL for a plain POST). Receives hiddenFields + `confirmText`. */
  action: string | ((formData: FormData) => void | Promise<void>);
  /** Extra fields posted with the confirmation, e.g. { rotationId }. */
  hiddenFields?: Record<string, string>;
};

function ConfirmButton({ label, disabled, tone }: { label: string; disabled: boolean; tone: 'danger' | 'default' }) {
  const { pending } = useFormStatus();
  return (
    <Button
      type="submit"
      variant={tone === 'danger' ? 'danger' : 'primary'}
      disabled={disabled || pending}
      aria-disabled={disabled || pending}
    >
      {pending ? 'Working…' : label}
    </Button>
  );
}

/**
 * Confirmation for consequential actions. With `requireText`, the confirm button stays disabled
 * until the phrase is typed exactly. The typed text is posted as `confirmText` so the server can
 * check it again (never trust the client-side gate alone).
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const {
    triggerLabel,
    triggerVariant = 'danger',
    triggerSize = 'md',
    title,
    description,
    children,
    confirmLabel = 'Confirm',
    tone = 'danger',
    requireText,
    action,
    hiddenFields,
  } = props;
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const { ref, triggerRef, onClose } = useDialog(open, (v) => {
    setOpen(v);
    if (!v) setTyped('');
  });
  const titleId = useId();
  const descId = useId();
  const inputId = useId();
  const matches = !requireText || typed === requireText;

  const formAction =
    typeof action === 'string'
      ? action
      : async (fd: FormData) => {
          await action(fd);
          setOpen(false);
        };

  return (
    <>
      <Button
        ref={triggerRef}
        variant={triggerVariant}
        size={triggerSize}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {triggerLabel}
      </Button>
      <dialog
        ref={ref}
        role="alertdialog"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        onClose={onClose}
        className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-border bg-surface p-0 text-fg shadow-2xl"
      >
        <form action={formAction} method={typeof action === 'string' ? 'post' : undefined}>
          {Object.entries(hiddenFields ?? {}).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <div className="flex gap-3 px-5 pt-5">
            {tone === 'danger' ? (
              <span className="grid size-8 shrink-0 place-items-center rounded-full bg-danger-bg text-danger">
                <Icon name="alert" />
              </span>
            ) : null}
            <div className="min-w-0 space-y-1">
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description ? (
                <div id={descId} className="text-sm text-fg-muted">
                  {description}
                </div>
              ) : null}
            </div>
          </div>
          {children ? <div className="px-5 pt-4 text-sm">{children}</div> : null}
          {requireText ? (
            <div className="space-y-1.5 px-5 pt-4">
              <label htmlFor={inputId} className="block text-sm text-fg">
                Type{' '}
                <strong className="rounded bg-surface-2 px-1 font-mono text-[13px] select-all">{requireText}</strong> to
                confirm
              </label>
              <input
                id={inputId}
                name="confirmText"
                autoFocus
                autoComplete="off"
                spellCheck={false}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                aria-invalid={typed.length > 0 && !matches ? true : undefined}
                className={cn(CONTROL_CLASSES, 'h-8 font-mono')}
              />
            </div>
          ) : null}
          <div className="mt-5 flex items-center justify-end gap-2 border-t border-border bg-surface-2/50 px-5 py-3">
            <Button variant="secondary" onClick={() => setOpen(false)} autoFocus={!requireText}>
              Cancel
            </Button>
            <ConfirmButton label={confirmLabel} disabled={!matches} tone={tone} />
          </div>
        </form>
      </dialog>
    </>
  );
}
