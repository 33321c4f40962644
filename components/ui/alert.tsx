import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { Icon, type IconName } from './icon';
import { TONE_CLASSES } from './tone';

export type AlertTone = 'info' | 'success' | 'warning' | 'danger';

const ICONS: Record<AlertTone, IconName> = {
  info: 'info',
  success: 'checkCircle',
  warning: 'alert',
  danger: 'alertOctagon',
};

export type AlertProps = {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  /** Right-aligned actions (links/buttons). */
  action?: ReactNode;
  /**
   * Live-region behaviour. Default: `alert` (assertive) for danger, `status` (polite) otherwise.
   * Use `none` for static page content that is not a change the user must hear now.
   */
  live?: 'alert' | 'status' | 'none';
  className?: string;
};

export function Alert({ tone = 'info', title, children, action, live, className }: AlertProps) {
  const role = live ?? (tone === 'danger' ? 'alert' : 'status');
  return (
    <div
      role={role === 'none' ? undefined : role}
      className={cn('flex gap-3 rounded-lg border px-3.5 py-3 text-sm', TONE_CLASSES[tone], className)}
    >
      <span className="mt-0.5">
        <Icon name={ICONS[tone]} />
      </span>
      <div className="min-w-0 flex-1 space-y-1">
        {title ? <p className="font-semibold">{title}</p> : null}
        {children ? <div className="text-fg [&_a]:font-medium [&_a]:underline">{children}</div> : null}
      </div>
      {action ? <div className="flex shrink-0 items-start gap-2">{action}</div> : null}
    </div>
  );
}
