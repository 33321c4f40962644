import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { Icon } from './icon';

export type StatProps = {
  label: ReactNode;
  /** Pre-formatted value, e.g. formatNumber(1234). */
  value: ReactNode;
  /** Secondary line, e.g. "+12 since yesterday". */
  detail?: ReactNode;
  /** Makes the whole stat a link to the filtered list. */
  href?: string;
  /** Small element beside the value (StatusChip, Sparkline…). */
  adornment?: ReactNode;
  tone?: 'default' | 'danger' | 'warning' | 'success';
  className?: string;
};

const VALUE_TONE = {
  default: 'text-fg',
  danger: 'text-danger',
  warning: 'text-warning',
  success: 'text-success',
} as const;

export function Stat({ label, value, detail, href, adornment, tone = 'default', className }: StatProps) {
  const body = (
    <>
      <dt className="flex items-center justify-between gap-2 text-xs font-medium text-fg-muted">
        <span>{label}</span>
        {href ? (
          <Icon
            name="chevronRight"
            size={14}
            className="text-fg-subtle transition-transform group-hover:translate-x-0.5"
          />
        ) : null}
      </dt>
      <dd className="mt-1.5 flex items-end justify-between gap-3">
        <span className={cn('tabular text-2xl font-semibold tracking-tight', VALUE_TONE[tone])}>{value}</span>
        {adornment}
      </dd>
      {detail ? <dd className="mt-1 text-xs text-fg-muted">{detail}</dd> : null}
    </>
  );
  const box = 'block rounded-lg border border-border bg-surface p-4 shadow-xs';
  return href ? (
    <Link
      href={href}
      prefetch={false}
      className={cn(box, 'group transition-colors hover:border-border-strong hover:bg-surface-2/40', className)}
    >
      <dl>{body}</dl>
    </Link>
  ) : (
    <dl className={cn(box, className)}>{body}</dl>
  );
}
