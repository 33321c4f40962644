import Link from 'next/link';
import { cn } from '@/components/ui/cn';
import type { Tone } from '@/components/ui/tone';
import { ChartDataTable } from './chart-data-table';
import { defaultFormat, markColor } from './chart-utils';

export type BarDatum = { key?: string; label: string; value: number; tone?: Tone; color?: string; href?: string };

export type BarChartProps = {
  bars: BarDatum[];
  /** Summary / caption, e.g. "Exposed connectors by vendor". */
  label: string;
  /** Scale maximum (defaults to the largest value). */
  max?: number;
  format?: (n: number) => string;
  /** Width of the label column (CSS length). */
  labelWidth?: string;
  className?: string;
};

/**
 * Horizontal bars. Two aligned columns: the label column is real text/links (keyboard and
 * screen-reader reachable); the bars are one role="img" with a summary; numbers live in a
 * visually hidden table.
 */
export function BarChart({ bars, label, max, format = defaultFormat, labelWidth = '9rem', className }: BarChartProps) {
  const top = max ?? Math.max(1, ...bars.map((b) => b.value));
  const summary = `${label}: ${bars.map((b) => `${b.label} ${format(b.value)}`).join(', ')}.`;
  return (
    <figure
      className={cn('grid gap-x-3 text-xs', className)}
      style={{ gridTemplateColumns: `minmax(0, ${labelWidth}) 1fr` }}
    >
      <ul className="flex flex-col">
        {bars.map((b, i) => (
          <li key={b.key ?? i} className="flex h-7 items-center">
            {b.href ? (
              <Link href={b.href} prefetch={false} className="truncate text-fg hover:underline">
                {b.label}
              </Link>
            ) : (
              <span className="truncate text-fg">{b.label}</span>
            )}
          </li>
        ))}
      </ul>
      <div role="img" aria-label={summary} className="flex flex-col">
        {bars.map((b, i) => {
          const pct = top > 0 ? Math.min(100, (Math.max(0, b.value) / top) * 100) : 0;
          return (
            <div key={b.key ?? i} className="flex h-7 items-center gap-2">
              <div className="relative h-4 flex-1 overflow-hidden rounded-[3px] bg-surface-2">
                <div
                  className="h-full rounded-[3px]"
                  style={{ width: `${pct}%`, minWidth: b.value > 0 ? 2 : 0, background: markColor(i, b.color, b.tone) }}
                />
              </div>
              <span className="tabular w-12 shrink-0 text-right font-medium text-fg">{format(b.value)}</span>
            </div>
          );
        })}
      </div>
      <ChartDataTable
        caption={label}
        columns={['Category', 'Value']}
        rows={bars.map((b) => [b.label, format(b.value)])}
      />
    </figure>
  );
}
