import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

export type PlotTick = { value: number; label: string };

/**
 * Plot frame shared by LineChart and Histogram. Axis text is HTML positioned in percentages, so
 * it stays 11px at any width while the marks (SVG with preserveAspectRatio="none" or HTML)
 * stretch to fit. The whole frame is one role="img" with a summary.
 */
export function ChartPlot({
  summary,
  height,
  yTicks,
  yMax,
  yMin = 0,
  xLabels,
  children,
  className,
}: {
  summary: string;
  height: number;
  yTicks: PlotTick[];
  yMin?: number;
  yMax: number;
  /** Labels with a position 0..1 along the x axis. */
  xLabels: { pos: number; label: string; align?: 'start' | 'center' | 'end' }[];
  children: ReactNode;
  className?: string;
}) {
  const pct = (v: number) => `${(1 - (v - yMin) / (yMax - yMin || 1)) * 100}%`;
  return (
    <div
      role="img"
      aria-label={summary}
      className={cn('relative text-[11px] text-fg-muted select-none', className)}
      style={{ height }}
    >
      <div className="absolute inset-0 pt-2 pr-2 pb-6 pl-11">
        <div className="relative h-full w-full">
          {yTicks.map((t) => (
            <div
              key={t.value}
              className={cn('absolute inset-x-0 border-t border-chart-grid', t.value !== yMin && 'border-dashed')}
              style={{ top: pct(t.value) }}
            >
              <span className="tabular absolute right-full mr-2 -translate-y-1/2">{t.label}</span>
            </div>
          ))}
          {children}
          {xLabels.map((x, i) => (
            <span
              key={i}
              className={cn(
                'absolute top-full mt-1.5 whitespace-nowrap',
                x.align === 'start' ? '' : x.align === 'end' ? '-translate-x-full' : '-translate-x-1/2',
              )}
              style={{ left: `${x.pos * 100}%` }}
            >
              {x.label}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
