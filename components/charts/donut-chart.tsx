import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { formatPercent } from '@/lib/utils';
import type { Tone } from '@/components/ui/tone';
import { ChartDataTable } from './chart-data-table';
import { ChartLegend } from './chart-legend';
import { defaultFormat, markColor } from './chart-utils';

export type DonutSegment = { key?: string; label: string; value: number; tone?: Tone; color?: string; href?: string };

export type DonutChartProps = {
  segments: DonutSegment[];
  /** What is being counted, e.g. "Connectors by status". Used for the summary and table caption. */
  label: string;
  /** Big text in the hole (defaults to the total). */
  centerValue?: ReactNode;
  centerLabel?: string;
  size?: number;
  thickness?: number;
  legend?: boolean;
  format?: (n: number) => string;
  className?: string;
};

export function DonutChart({
  segments,
  label,
  centerValue,
  centerLabel = 'Total',
  size = 148,
  thickness = 16,
  legend = true,
  format = defaultFormat,
  className,
}: DonutChartProps) {
  const total = segments.reduce((s, x) => s + Math.max(0, x.value), 0);
  const r = (size - thickness) / 2;
  const c = 2 * Math.PI * r;
  const visible = segments.filter((s) => s.value > 0);
  const gap = visible.length > 1 ? Math.min(2, c / 200) : 0;
  const summary = `${label}: ${segments.map((s) => `${s.label} ${format(s.value)}`).join(', ')}; total ${format(total)}.`;

  const lens = segments.map((s) => (total > 0 ? (Math.max(0, s.value) / total) * c : 0));
  const arcs = segments.map((s, i) => ({
    s,
    i,
    len: lens[i] ?? 0,
    offset: lens.slice(0, i).reduce((a, b) => a + b, 0),
    color: markColor(i, s.color, s.tone),
  }));

  return (
    <figure className={cn('flex flex-wrap items-center gap-x-6 gap-y-4', className)}>
      <div className="relative shrink-0" style={{ width: size, height: size }}>
        <svg
          role="img"
          aria-label={summary}
          width={size}
          height={size}
          viewBox={`0 0 ${size} ${size}`}
          className="-rotate-90"
        >
          <circle cx={size / 2} cy={size / 2} r={r} fill="none" stroke="var(--surface-3)" strokeWidth={thickness} />
          {arcs.map(({ s, i, len, offset: o, color }) => {
            if (len <= 0) return null;
            const circle = (
              <circle
                cx={size / 2}
                cy={size / 2}
                r={r}
                fill="none"
                stroke={color}
                strokeWidth={thickness}
                strokeDasharray={`${Math.max(0.5, len - gap)} ${c}`}
                strokeDashoffset={-o}
                className="transition-opacity hover:opacity-80"
              >
                <title>{`${s.label}: ${format(s.value)} (${formatPercent(s.value / total)})`}</title>
              </circle>
            );
            // Pointer shortcut only; keyboard users use the legend links.
            return s.href ? (
              <a key={s.key ?? i} href={s.href} tabIndex={-1}>
                {circle}
              </a>
            ) : (
              <g key={s.key ?? i}>{circle}</g>
            );
          })}
        </svg>
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-0 flex flex-col items-center justify-center text-center"
        >
          <span className="tabular text-xl font-semibold tracking-tight text-fg">{centerValue ?? format(total)}</span>
          <span className="text-[11px] text-fg-muted">{centerLabel}</span>
        </div>
      </div>
      {legend ? (
        <ChartLegend
          layout="column"
          className="max-w-sm min-w-40 flex-1"
          items={arcs.map(({ s, i, color }) => ({
            key: s.key ?? String(i),
            label: s.label,
            color,
            href: s.href,
            value: (
              <>
                {format(s.value)}{' '}
                <span className="inline-block w-11 text-right text-fg-subtle">
                  {total ? formatPercent(s.value / total, 0) : '—'}
                </span>
              </>
            ),
          }))}
        />
      ) : null}
      <ChartDataTable
        caption={label}
        columns={['Category', 'Count', 'Share']}
        rows={segments.map((s) => [s.label, format(s.value), total ? formatPercent(s.value / total) : '—'])}
      />
    </figure>
  );
}
