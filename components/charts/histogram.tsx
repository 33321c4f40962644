import { cn } from '@/components/ui/cn';
import type { Tone } from '@/components/ui/tone';
import { ChartDataTable } from './chart-data-table';
import { ChartPlot } from './chart-plot';
import { defaultFormat, markColor, niceTicks } from './chart-utils';

export type HistogramBin = { label: string; count: number };

export type HistogramProps = {
  bins: HistogramBin[];
  /** e.g. "Time to remediate". */
  label: string;
  /** Unit of the counted items, e.g. "connectors". */
  unit?: string;
  height?: number;
  tone?: Tone;
  color?: string;
  className?: string;
};

/** Distribution of pre-binned counts (vertical bars). Server-rendered; no client JS. */
export function Histogram({ bins, label, unit = 'items', height = 200, tone, color, className }: HistogramProps) {
  const total = bins.reduce((s, b) => s + b.count, 0);
  const ticks = niceTicks(0, Math.max(1, ...bins.map((b) => b.count)), 4);
  const top = ticks.at(-1) ?? 1;
  const fill = markColor(0, color, tone);
  const peak = bins.reduce<HistogramBin | undefined>((m, b) => (!m || b.count > m.count ? b : m), undefined);
  const summary = `${label}: ${defaultFormat(total)} ${unit}${peak ? `, most in ${peak.label} (${defaultFormat(peak.count)})` : ''}.`;
  const n = Math.max(1, bins.length);

  return (
    <figure className={cn(className)}>
      <ChartPlot
        summary={summary}
        height={height}
        yTicks={ticks.map((v) => ({ value: v, label: defaultFormat(v) }))}
        yMax={top}
        xLabels={bins.map((b, i) => ({ pos: (i + 0.5) / n, label: b.label }))}
      >
        <div className="absolute inset-0 flex items-end gap-[3px]">
          {bins.map((b) => (
            <div
              key={b.label}
              title={`${b.label}: ${defaultFormat(b.count)} ${unit}`}
              className="flex-1 rounded-t-[3px]"
              style={{ height: `${(b.count / top) * 100}%`, minHeight: b.count > 0 ? 1 : 0, background: fill }}
            />
          ))}
        </div>
      </ChartPlot>
      <ChartDataTable
        caption={label}
        columns={['Range', `Count of ${unit}`]}
        rows={bins.map((b) => [b.label, defaultFormat(b.count)])}
      />
    </figure>
  );
}
