import Link from 'next/link';
import { cn } from '@/components/ui/cn';
import { formatPercent } from '@/lib/utils';
import type { Tone } from '@/components/ui/tone';
import { ChartDataTable } from './chart-data-table';
import { ChartLegend } from './chart-legend';
import { defaultFormat, markColor } from './chart-utils';

export type StackKey = { key: string; label: string; tone?: Tone; color?: string };
export type StackRow = { key?: string; label: string; href?: string; values: Record<string, number> };

export type StackedBarProps = {
  /** Segment order and colours, e.g. succeeded / running / failed / pending. */
  keys: StackKey[];
  rows: StackRow[];
  /** Summary / caption, e.g. "Campaign progress by wave". */
  label: string;
  format?: (n: number) => string;
  legend?: boolean;
  className?: string;
};

/** One horizontal 100% bar per row (e.g. per campaign wave), each bar a role="img" with its numbers. */
export function StackedBar({ keys, rows, label, format = defaultFormat, legend = true, className }: StackedBarProps) {
  const colors = keys.map((k, i) => markColor(i, k.color, k.tone));
  return (
    <figure className={cn('space-y-3', className)}>
      {legend ? (
        <ChartLegend items={keys.map((k, i) => ({ key: k.key, label: k.label, color: colors[i] ?? 'currentColor' }))} />
      ) : null}
      <ul className="space-y-3">
        {rows.map((row, ri) => {
          const total = keys.reduce((s, k) => s + (row.values[k.key] ?? 0), 0);
          const desc = `${row.label}: ${keys.map((k) => `${format(row.values[k.key] ?? 0)} ${k.label.toLowerCase()}`).join(', ')} of ${format(total)}`;
          return (
            <li key={row.key ?? ri} className="space-y-1">
              <div className="flex items-baseline justify-between gap-3 text-xs">
                {row.href ? (
                  <Link href={row.href} prefetch={false} className="truncate font-medium text-fg hover:underline">
                    {row.label}
                  </Link>
                ) : (
                  <span className="truncate font-medium text-fg">{row.label}</span>
                )}
                <span aria-hidden="true" className="tabular text-fg-muted">
                  {format(total)}
                </span>
              </div>
              <div
                role="img"
                aria-label={desc}
                className="flex h-2.5 w-full gap-px overflow-hidden rounded-full bg-surface-3"
              >
                {keys.map((k, i) => {
                  const v = row.values[k.key] ?? 0;
                  if (v <= 0 || total <= 0) return null;
                  return (
                    <span
                      key={k.key}
                      title={`${k.label}: ${format(v)} (${formatPercent(v / total)})`}
                      className="h-full"
                      style={{ width: `${(v / total) * 100}%`, background: colors[i] }}
                    />
                  );
                })}
              </div>
            </li>
          );
        })}
      </ul>
      <ChartDataTable
        caption={label}
        columns={['Row', ...keys.map((k) => k.label), 'Total']}
        rows={rows.map((r) => [
          r.label,
          ...keys.map((k) => format(r.values[k.key] ?? 0)),
          format(keys.reduce((s, k) => s + (r.values[k.key] ?? 0), 0)),
        ])}
      />
    </figure>
  );
}
