import { describe, expect, it } from 'vitest';
import { formatPercent, shareOf } from '@/lib/utils';

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
