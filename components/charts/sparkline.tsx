import type { Tone } from '@/components/ui/tone';
import { defaultFormat, markColor, scaleLinear } from './chart-utils';

export type SparklineProps = {
  values: number[];
  /** What the values are, e.g. "Compromised connectors, last 14 days". */
  label: string;
  width?: number;
  height?: number;
  tone?: Tone;
  color?: string;
  area?: boolean;
  format?: (n: number) => string;
};

/** Tiny inline trend. Its aria-label states first, last, min and max (a table would be noise here). */
export function Sparkline({
  values,
  label,
  width = 96,
  height = 28,
  tone,
  color,
  area = true,
  format = defaultFormat,
}: SparklineProps) {
  if (values.length === 0) return null;
  const min = Math.min(...values),
    max = Math.max(...values);
  const x = scaleLinear([0, Math.max(1, values.length - 1)], [1.5, width - 1.5]);
  const y = scaleLinear([min, max === min ? min + 1 : max], [height - 2, 2]);
  const d = values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const stroke = markColor(0, color, tone);
  const first = values[0] ?? 0,
    last = values.at(-1) ?? 0;
  const summary = `${label}: from ${format(first)} to ${format(last)} (low ${format(min)}, high ${format(max)}).`;
  return (
    <svg
      role="img"
      aria-label={summary}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="shrink-0 overflow-visible"
    >
      {area ? (
        <path d={`${d}L${x(values.length - 1)},${height}L${x(0)},${height}Z`} fill={stroke} fillOpacity={0.12} />
      ) : null}
      <path d={d} fill="none" stroke={stroke} strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
      <circle cx={x(values.length - 1)} cy={y(last)} r={2} fill={stroke} />
    </svg>
  );
}
