import { cn } from '@/components/ui/cn';
import { formatPercent } from '@/lib/utils';
import type { Tone } from './tone';
import { TONE_CHART_COLOR } from './tone';

export type ProgressBarProps = {
  value: number;
  max?: number;
  /** Accessible name, e.g. "Campaign progress". */
  label: string;
  /** Shows label and percentage above the bar. */
  showLabel?: boolean;
  /** Human text for screen readers, e.g. "1,204 of 3,000 connectors rotated". */
  valueText?: string;
  tone?: Tone;
  size?: 'sm' | 'md';
  className?: string;
};

export function ProgressBar({
  value,
  max = 100,
  label,
  showLabel,
  valueText,
  tone = 'accent',
  size = 'md',
  className,
}: ProgressBarProps) {
  const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <div className={cn('space-y-1.5', className)}>
      {showLabel ? (
        <div className="flex items-baseline justify-between gap-2 text-xs">
          <span className="font-medium text-fg">{label}</span>
          <span className="tabular text-fg-muted">{valueText ?? formatPercent(ratio, 0)}</span>
        </div>
      ) : null}
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
        aria-valuetext={valueText ?? formatPercent(ratio, 0)}
        className={cn('w-full overflow-hidden rounded-full bg-surface-3', size === 'sm' ? 'h-1.5' : 'h-2')}
      >
        <div
          className="h-full rounded-full transition-[width] duration-500"
          style={{ width: `${ratio * 100}%`, background: TONE_CHART_COLOR[tone] }}
        />
      </div>
    </div>
  );
}
