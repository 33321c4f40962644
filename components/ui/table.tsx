import type { HTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cn } from '@/components/ui/cn';

/**
 * Scroll container: horizontal scroll on narrow screens; with `maxHeight` it also scrolls
 * vertically and the header sticks. Focusable so keyboard users can scroll it.
 */
export function TableContainer({
  className,
  maxHeight,
  label,
  ...rest
}: HTMLAttributes<HTMLDivElement> & { maxHeight?: string; label?: string }) {
  return (
    <div
      role={label ? 'region' : undefined}
      aria-label={label}
      tabIndex={label ? 0 : undefined}
      className={cn('relative w-full overflow-auto rounded-lg border border-border bg-surface', className)}
      style={maxHeight ? { maxHeight } : undefined}
      {...rest}
    />
  );
}

export function Table({ className, ...rest }: HTMLAttributes<HTMLTableElement>) {
  return <table className={cn('w-full border-separate border-spacing-0 text-left text-sm', className)} {...rest} />;
}

export function THead({ className, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cn('sticky top-0 z-10 bg-surface-2', className)} {...rest} />;
}

export function TBody({ className, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cn('[&>tr:last-child>td]:border-b-0', className)} {...rest} />;
}

export function TR({ className, ...rest }: HTMLAttributes<HTMLTableRowElement>) {
  return (
    <tr
      className={cn('transition-colors hover:bg-surface-2/60 has-[input:checked]:bg-accent-bg/50', className)}
      {...rest}
    />
  );
}

type Align = { align?: 'left' | 'right' | 'center' };
const ALIGN = { left: 'text-left', right: 'text-right', center: 'text-center' } as const;

export function TH({
  className,
  align = 'left',
  scope = 'col',
  ...rest
}: ThHTMLAttributes<HTMLTableCellElement> & Align) {
  return (
    <th
      scope={scope}
      className={cn(
        'h-9 border-b border-border px-3 text-xs font-medium whitespace-nowrap text-fg-muted',
        ALIGN[align],
        className,
      )}
      {...rest}
    />
  );
}

export function TD({ className, align = 'left', ...rest }: TdHTMLAttributes<HTMLTableCellElement> & Align) {
  return (
    <td
      className={cn(
        'h-10 border-b border-border px-3 py-2 align-middle',
        ALIGN[align],
        align === 'right' && 'tabular',
        className,
      )}
      {...rest}
    />
  );
}
