'use client';

import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { Button, type ButtonSize, type ButtonVariant } from './button';
import { Icon } from './icon';

export type DialogProps = {
  /** Label of the button that opens the dialog. */
  trigger: ReactNode;
  triggerVariant?: ButtonVariant;
  triggerSize?: ButtonSize;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Footer content; use <DialogCloseButton> for a cancel button (no JS needed to close). */
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** Clicking the backdrop closes (off for destructive confirmations). */
  closeOnBackdrop?: boolean;
  /** Controlled mode. */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  className?: string;
};

const SIZES = { sm: 'max-w-sm', md: 'max-w-lg', lg: 'max-w-2xl' } as const;

/** Open/close a native <dialog> from state; restores focus to the trigger on close. */
export function useDialog(open: boolean, setOpen: (open: boolean) => void) {
  const ref = useRef<HTMLDialogElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  const onClose = useCallback(() => {
    setOpen(false);
    triggerRef.current?.focus();
  }, [setOpen]);
  return { ref, triggerRef, onClose };
}

/**
 * Modal dialog on the native <dialog> element: the browser traps focus, closes on Escape, makes
 * the page inert and moves focus into the dialog (first focusable, or an `autoFocus` element).
 */
export function Dialog(props: DialogProps) {
  const {
    trigger,
    triggerVariant = 'secondary',
    triggerSize = 'md',
    title,
    description,
    children,
    footer,
    size = 'md',
    closeOnBackdrop = true,
    className,
  } = props;
  const [innerOpen, setInnerOpen] = useState(false);
  const open = props.open ?? innerOpen;
  const onOpenChange = useRef(props.onOpenChange);
  useEffect(() => {
    onOpenChange.current = props.onOpenChange;
  });
  const setOpen = useCallback((v: boolean) => {
    setInnerOpen(v);
    onOpenChange.current?.(v);
  }, []);
  const { ref, triggerRef, onClose } = useDialog(open, setOpen);
  const titleId = useId();
  const descId = useId();

  return (
    <>
      <Button
        ref={triggerRef}
        variant={triggerVariant}
        size={triggerSize}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {trigger}
      </Button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        onClose={onClose}
        onClick={(e) => {
          if (closeOnBackdrop && e.target === e.currentTarget) setOpen(false);
        }}
        className={cn(
          'm-auto w-[calc(100%-2rem)] rounded-xl border border-border bg-surface p-0 text-fg shadow-2xl',
          SIZES[size],
          className,
        )}
      >
        <div className="flex items-start justify-between gap-4 px-5 pt-5">
          <div className="space-y-1">
            <h2 id={titleId} className="text-base font-semibold">
              {title}
            </h2>
            {description ? (
              <div id={descId} className="text-sm text-fg-muted">
                {description}
              </div>
            ) : null}
          </div>
          <form method="dialog">
            <button
              type="submit"
              aria-label="Close"
              className="-mt-1 -mr-1.5 grid size-7 place-items-center rounded-md text-fg-muted hover:bg-surface-2 hover:text-fg"
            >
              <Icon name="x" />
            </button>
          </form>
        </div>
        {children ? <div className="px-5 pt-4 text-sm">{children}</div> : null}
        {footer ? (
          <div className="mt-5 flex flex-wrap items-center justify-end gap-2 border-t border-border bg-surface-2/50 px-5 py-3">
            {footer}
          </div>
        ) : (
          <div className="h-5" />
        )}
      </dialog>
    </>
  );
}

/** A button that closes the enclosing <dialog> natively (a `method="dialog"` form). */
export function DialogCloseButton({
  children = 'Cancel',
  variant = 'secondary',
}: {
  children?: ReactNode;
  variant?: ButtonVariant;
}) {
  return (
    <form method="dialog">
      <Button type="submit" variant={variant}>
        {children}
      </Button>
    </form>
  );
}
