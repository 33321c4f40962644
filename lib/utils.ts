/**
 * Small, dependency-free helpers shared by components and pages: class joining, URL building
 * for search-param driven UI, and display formatting. Formatting functions take `now` as a
 * parameter where time matters so output is deterministic on the server.
 */

export { cn, type ClassValue } from '@/lib/cn';

/** Next.js page `searchParams` shape (after awaiting). */
export type SearchParams = Record<string, string | string[] | undefined>;

/** First value of a search param, or undefined. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Build `pathname?query` from current search params with some keys replaced or removed
 * (`null`/`undefined` removes). Other params, including repeated ones, are preserved.
 */
export function hrefWith(
  pathname: string,
  searchParams: SearchParams | URLSearchParams | undefined,
  patch: Record<string, string | number | null | undefined> = {},
): string {
  const params = new URLSearchParams();
  if (searchParams instanceof URLSearchParams) {
    searchParams.forEach((v, k) => params.append(k, v));
  } else if (searchParams) {
    for (const [k, v] of Object.entries(searchParams)) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    params.delete(k);
    if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

const LOCALE = 'en-US';
const numberFmt = new Intl.NumberFormat(LOCALE);

export function formatNumber(n: number): string {
  return numberFmt.format(n);
}

/**
 * The one percentage formatter: 0.4567 → "45.7%". It takes a ratio 0–1 (never a percentage), so a
 * share is clamped to 0–100 %, and rounding never claims "100%" for an unfinished share nor "0%"
 * for a started one (0.9996 → "99.9%", 0.0004 → "0.1%").
 */
export function formatPercent(ratio: number, fractionDigits = 1): string {
  if (!Number.isFinite(ratio)) return '—';
  const r = Math.min(1, Math.max(0, ratio));
  const scale = 10 ** fractionDigits;
  let hundredths = Math.round(r * 100 * scale);
  if (r < 1 && hundredths >= 100 * scale) hundredths = 100 * scale - 1;
  if (r > 0 && hundredths <= 0) hundredths = 1;
  return `${(hundredths / scale).toFixed(fractionDigits).replace(/\.0+$/, '')}%`;
}

/** part / whole as a ratio 0–1 for formatPercent (0 when whole is 0). */
export function shareOf(part: number, whole: number): number {
  if (!(whole > 0) || !Number.isFinite(part)) return 0;
  return Math.min(1, Math.max(0, part / whole));
}

function toDate(d: Date | string | number): Date {
  return d instanceof Date ? d : new Date(d);
}

/**
 * Formatters are built once: `toLocaleDateString(locale, options)` builds a new one per call
 * (~0.1 ms each, and a fleet page formats hundreds of dates). Same output; an invalid date reads
 * "Invalid Date" as toLocaleDateString's does (format() would throw).
 */
function dateFormatter(options: Intl.DateTimeFormatOptions): (d: Date | string | number) => string {
  const f = new Intl.DateTimeFormat(LOCALE, options);
  return (d) => {
    const date = toDate(d);
    return Number.isNaN(date.getTime()) ? 'Invalid Date' : f.format(date);
  };
}

const dateFmt = dateFormatter({ year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const shortDateFmt = dateFormatter({ month: 'short', day: 'numeric', timeZone: 'UTC' });
const dateTimeFmt = dateFormatter({
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  // Not `hour12: false`: in en-US that is the h24 cycle, which writes the hour after midnight as "24".
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** "Mar 4, 2026" in UTC (server and client agree, so no hydration mismatch). */
export function formatDate(d: Date | string | number): string {
  return dateFmt(d);
}

/** "Mar 4" in UTC, for chart axes. */
export function formatShortDate(d: Date | string | number): string {
  return shortDateFmt(d);
}

/** "Mar 4, 2026, 14:05 UTC" */
export function formatDateTime(d: Date | string | number): string {
  return `${dateTimeFmt(d)} UTC`;
}

const relFmt = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600 * 1000],
  ['month', 30 * 24 * 3600 * 1000],
  ['week', 7 * 24 * 3600 * 1000],
  ['day', 24 * 3600 * 1000],
  ['hour', 3600 * 1000],
  ['minute', 60 * 1000],
];

/** "in 3 days", "2 hours ago", "now". `now` is a parameter (no hidden clock). */
export function formatRelativeTime(d: Date | string | number, now: Date): string {
  const diff = toDate(d).getTime() - now.getTime();
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relFmt.format(Math.round(diff / ms), unit);
  }
  return 'now';
}

/** Milliseconds → "2d 4h", "3h 12m", "45s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400),
    h = Math.floor((s % 86400) / 3600),
    m = Math.floor((s % 3600) / 60);
  if (d > 0) return h ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

/** Pluralize a count: plural(3, 'tenant') → "3 tenants". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
