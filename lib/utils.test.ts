import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatPercent, formatShortDate, shareOf } from '@/lib/utils';

describe('formatPercent (the one percentage formatter: a ratio 0–1 in)', () => {
  it.each([
    [0, '0%'],
    [1, '100%'],
    [0.4567, '45.7%'],
    [0.5, '50%'],
    [3 / 7, '42.9%'],
  ])('%s → %s', (ratio, text) => {
    expect(formatPercent(ratio)).toBe(text);
  });

  it('never says more than 100 % or less than 0 %', () => {
    expect(formatPercent(90)).toBe('100%');
    expect(formatPercent(100, 0)).toBe('100%');
    expect(formatPercent(-0.2)).toBe('0%');
  });

  it('does not round an unfinished share up to 100 % nor a started one down to 0 %', () => {
    expect(formatPercent(0.9996)).toBe('99.9%');
    expect(formatPercent(0.996, 0)).toBe('99%');
    expect(formatPercent(0.0004)).toBe('0.1%');
    expect(formatPercent(0.004, 0)).toBe('1%');
  });

  it('shows a dash for no number', () => {
    expect(formatPercent(Number.NaN)).toBe('—');
  });
});

describe('shareOf', () => {
  it('is part / whole clamped to 0–1, and 0 of nothing', () => {
    expect(shareOf(3, 4)).toBe(0.75);
    expect(shareOf(5, 4)).toBe(1);
    expect(shareOf(1, 0)).toBe(0);
  });
});

describe('date formatters (built once, same text as toLocaleDateString)', () => {
  const dates = [
    new Date('2026-03-04T14:05:09Z'),
    new Date('2026-12-31T23:59:59.999Z'),
    new Date('2027-01-01T00:00:00Z'),
    new Date(0),
  ];
  it.each(dates)('%s reads the same as a formatter built for the call', (d) => {
    expect(formatDate(d)).toBe(
      d.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }),
    );
    expect(formatShortDate(d.toISOString())).toBe(
      d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }),
    );
    expect(formatDateTime(d.getTime())).toBe(
      `${d.toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' })} UTC`,
    );
  });

  it('formats in UTC whatever the time of day', () => {
    expect(formatDate('2026-03-04T23:30:00-05:00')).toBe('Mar 5, 2026');
    expect(formatDateTime('2026-03-04T14:05:00Z')).toBe('Mar 4, 2026, 14:05 UTC');
    // The hour after midnight is 00, never 24.
    expect(formatDateTime('2026-12-08T00:53:00Z')).toBe('Dec 8, 2026, 00:53 UTC');
  });

  it('an invalid date reads "Invalid Date" instead of throwing', () => {
    expect(formatDate('not a date')).toBe('Invalid Date');
    expect(formatShortDate(Number.NaN)).toBe('Invalid Date');
    expect(formatDateTime(new Date(Number.NaN))).toBe('Invalid Date UTC');
  });
});
