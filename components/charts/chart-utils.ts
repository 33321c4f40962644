import type { Tone } from '@/components/ui/tone';
import { TONE_CHART_COLOR } from '@/components/ui/tone';

/** Categorical series colours (CSS variables, theme-aware). */
export const PALETTE = [
  'var(--chart-1)',
  'var(--chart-2)',
  'var(--chart-3)',
  'var(--chart-4)',
  'var(--chart-5)',
  'var(--chart-6)',
] as const;

/** Resolve a mark colour: explicit colour, else tone, else palette by index. */
export function markColor(index: number, color?: string, tone?: Tone): string {
  if (color) return color;
  if (tone) return TONE_CHART_COLOR[tone];
  return PALETTE[index % PALETTE.length] ?? 'var(--chart-1)';
}

/** "Nice" axis ticks covering [min, max] (1/2/5 × 10^n steps). */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max === min) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm >= 5 ? 10 : norm >= 2 ? 5 : norm >= 1 ? 2 : 1) * mag;
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= max + step * 0.5; v += step) ticks.push(Number(v.toFixed(10)));
  if ((ticks.at(-1) ?? 0) < max) ticks.push(start + step * ticks.length);
  return ticks;
}

/** Linear scale from a domain to a range. */
export function scaleLinear([d0, d1]: [number, number], [r0, r1]: [number, number]) {
  const span = d1 - d0 || 1;
  return (v: number) => r0 + ((v - d0) / span) * (r1 - r0);
}

export function toTime(x: Date | string | number): number {
  return x instanceof Date ? x.getTime() : typeof x === 'number' ? x : new Date(x).getTime();
}

const numberFormat = new Intl.NumberFormat('en-US');
export const defaultFormat = (n: number) => numberFormat.format(n);
