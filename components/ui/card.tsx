import type { HTMLAttributes, ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

type DivProps = HTMLAttributes<HTMLDivElement>;

export function Card({ className, ...rest }: DivProps) {
  return <div className={cn('rounded-lg border border-border bg-surface shadow-xs', className)} {...rest} />;
}

/** Title row; `actions` sit on the right. */
export function CardHeader({ className, actions, children, ...rest }: DivProps & { actions?: ReactNode }) {
  return (
    <div
      className={cn('flex flex-wrap items-start justify-between gap-3 border-b border-border px-4 py-3', className)}
      {...rest}
    >
      <div className="min-w-0 space-y-0.5">{children}</div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function CardTitle({
  className,
  as: As = 'h2',
  ...rest
}: HTMLAttributes<HTMLHeadingElement> & { as?: 'h2' | 'h3' | 'h4' }) {
  return <As className={cn('text-sm font-semibold text-fg', className)} {...rest} />;
}

export function CardDescription({ className, ...rest }: HTMLAttributes<HTMLParagraphElement>) {
  return <p className={cn('text-xs text-fg-muted', className)} {...rest} />;
}

export function CardBody({ className, ...rest }: DivProps) {
  return <div className={cn('p-4', className)} {...rest} />;
}

export function CardFooter({ className, ...rest }: DivProps) {
  return (
    <div className={cn('flex items-center justify-end gap-2 border-t border-border px-4 py-3', className)} {...rest} />
  );
}
