import type { HTMLAttributes } from 'react';
import { cn } from '@/components/ui/cn';
import { TONE_CLASSES, type Tone } from './tone';

export type BadgeProps = HTMLAttributes<HTMLSpanElement> & { tone?: Tone };

/** Compact label. For statuses prefer StatusChip (adds an icon). */
export function Badge({ tone = 'neutral', className, ...rest }: BadgeProps) {
  return (
    <span
      className={cn(
        'inline-flex h-5 items-center gap-1 rounded border px-1.5 text-xs font-medium whitespace-nowrap',
        TONE_CLASSES[tone],
        className,
      )}
      {...rest}
    />
  );
}
