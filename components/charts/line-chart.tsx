import { cn } from '@/components/ui/cn';
import { formatShortDate } from '@/lib/utils';
import type { Tone } from '@/components/ui/tone';
import { ChartDataTable } from './chart-data-table';
import { ChartLegend } from './chart-legend';
import { ChartPlot } from './chart-plot';
import { defaultFormat, markColor, niceTicks, scaleLinear, toTime } from './chart-utils';

export type SeriesPoint = { x: Date | string | number; y: number };
export type Series = {
  key?: string;
  name: string;
  points: SeriesPoint[];
  tone?: Tone;
  color?: string;
  dashed?: boolean;
};

export type LineChartProps = {
  series: Series[];
  /** Summary / caption, e.g. "Open exposures, last 30 days". */
  label: string;
  /** Fill under each line (AreaChart sets this). */
  area?: boolean;
  height?: number;
  yFormat?: (n: number) => string;
  xFormat?: (t: number) => string;
  /** Force the y-axis to start at 0 (default true). */
  zeroBased?: boolean;
  legend?: boolean;
  className?: string;
};

/** Time-series line chart (e.g. remediation burn-down). Server-rendered; no client JS. */
export function LineChart({
  series,
  label,
  area,
  height = 220,
  yFormat = defaultFormat,
  xFormat = (t) => formatShortDate(t),
  zeroBased = true,
  legend = true,
  className,
}: LineChartProps) {
  const all = series.flatMap((s) => s.points.map((p) => ({ t: toTime(p.x), y: p.y })));
  const ts = all.map((p) => p.t);
  const ys = all.map((p) => p.y);
  const tMin = Math.min(...ts),
    tMax = Math.max(...ts);
  const yTicks = niceTicks(zeroBased ? Math.min(0, ...ys) : Math.min(...ys), Math.max(...ys, 1), 4);
  const y0 = yTicks[0] ?? 0,
    y1 = yTicks.at(-1) ?? 1;
  // Marks live in a 1000×1000 box stretched to the plot (strokes don't scale).
  const x = scaleLinear([tMin, tMax === tMin ? tMin + 1 : tMax], [0, 1000]);
  const y = scaleLinear([y0, y1], [1000, 0]);

  // ~5 x labels from the distinct timestamps.
  const uniq = [...new Set(ts)].sort((a, b) => a - b);
  const stepX = Math.max(1, Math.ceil(uniq.length / 5));
  const xTicks = uniq.filter((_, i) => i % stepX === 0);

  const colors = series.map((s, i) => markColor(i, s.color, s.tone));
  const summary = `${label}. ${series
    .map((s) => {
      const first = s.points[0],
        last = s.points.at(-1);
      return first && last
        ? `${s.name}: ${yFormat(first.y)} on ${xFormat(toTime(first.x))} to ${yFormat(last.y)} on ${xFormat(toTime(last.x))}`
        : s.name;
    })
    .join('; ')}.`;

  return (
    <figure className={cn('space-y-3', className)}>
      <ChartPlot
        summary={summary}
        height={height}
        yTicks={yTicks.map((v) => ({ value: v, label: yFormat(v) }))}
        yMin={y0}
        yMax={y1}
        xLabels={xTicks.map((t) => ({ pos: x(t) / 1000, label: xFormat(t), align: t === tMin ? 'start' : 'center' }))}
      >
        <svg
          viewBox="0 0 1000 1000"
          preserveAspectRatio="none"
          className="absolute inset-0 h-full w-full overflow-visible"
        >
          {series.map((s, i) => {
            const pts = s.points.map((p) => [x(toTime(p.x)), y(p.y)] as const);
            if (pts.length === 0) return null;
            const d = pts.map(([px, py], j) => `${j ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
            const first = pts[0],
              last = pts.at(-1);
            return (
              <g key={s.key ?? s.name}>
                {area && first && last ? (
                  <path
                    d={`${d}L${last[0].toFixed(1)},1000L${first[0].toFixed(1)},1000Z`}
                    fill={colors[i]}
                    fillOpacity={0.14}
                  />
                ) : null}
                <path
                  d={d}
                  fill="none"
                  stroke={colors[i]}
                  strokeWidth={2}
                  strokeLinejoin="round"
                  strokeLinecap="round"
                  strokeDasharray={s.dashed ? '5 4' : undefined}
                  vectorEffect="non-scaling-stroke"
                />
              </g>
            );
          })}
        </svg>
        {series.map((s, i) => {
          const last = s.points.at(-1);
          return last ? (
            <span
              key={s.key ?? s.name}
              className="absolute size-2 -translate-x-1/2 -translate-y-1/2 rounded-full ring-2 ring-surface"
              style={{ left: `${x(toTime(last.x)) / 10}%`, top: `${y(last.y) / 10}%`, background: colors[i] }}
            />
          ) : null;
        })}
      </ChartPlot>
      {legend && series.length > 1 ? (
        <ChartLegend
          items={series.map((s, i) => ({ key: s.key ?? s.name, label: s.name, color: colors[i] ?? 'currentColor' }))}
        />
      ) : null}
      <ChartDataTable
        caption={label}
        columns={['Date', ...series.map((s) => s.name)]}
        rows={uniq.map((t) => [
          xFormat(t),
          ...series.map((s) => {
            const p = s.points.find((q) => toTime(q.x) === t);
            return p ? yFormat(p.y) : '—';
          }),
        ])}
      />
    </figure>
  );
}

/** LineChart with the area under each series filled. */
export function AreaChart(props: Omit<LineChartProps, 'area'>) {
  return <LineChart {...props} area />;
}
