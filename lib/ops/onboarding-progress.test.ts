import { describe, expect, it } from 'vitest';
import { describeProgress, formatDuration, isUnfinished, rateOf, type OnboardingProgress } from './onboarding-progress';

const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 10, 0, s)).toISOString();
const progress = (p: Partial<OnboardingProgress>): OnboardingProgress => ({
  subject: 'Onboarding the demo fleet',
  phase: 'consent checks',
  step: 1,
  steps: 4,
  done: 0,
  total: 10_000,
  startedAt: at(0),
  phaseStartedAt: at(0),
  updatedAt: at(0),
  finishedAt: null,
  error: null,
  ...p,
});

describe('onboarding progress', () => {
  it('measures the rate from the phase start and the time left from what remains', () => {
    const p = progress({ done: 3200, updatedAt: at(10) });
    expect(rateOf(p)).toEqual({ perSecond: 320, secondsLeft: 21.25 });
    expect(describeProgress(p)).toBe('consent checks: 3,200 of 10,000 (320/s, about 21 s left)');
  });

  it('says nothing about speed before anything is done or once all is done', () => {
    expect(rateOf(progress({ done: 0, updatedAt: at(5) }))).toEqual({ perSecond: null, secondsLeft: null });
    expect(describeProgress(progress({ done: 0, updatedAt: at(5) }))).toBe('consent checks: 0 of 10,000');
    expect(describeProgress(progress({ done: 10_000, updatedAt: at(40) }))).toBe('consent checks: 10,000 of 10,000');
  });

  it('shows a slow rate with a decimal', () => {
    expect(describeProgress(progress({ done: 3, total: 40, updatedAt: at(2) }))).toBe(
      'consent checks: 3 of 40 (1.5/s, about 25 s left)',
    );
  });

  it('formats durations in words people read', () => {
    expect(formatDuration(0.4)).toBe('under a second');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(120)).toBe('2 min');
    expect(formatDuration(80)).toBe('1 min 20 s');
  });

  it('is unfinished until finishedAt is set, also after a failure', () => {
    expect(isUnfinished(null)).toBe(false);
    expect(isUnfinished(progress({}))).toBe(true);
    expect(isUnfinished(progress({ error: 'database went away' }))).toBe(true);
    expect(isUnfinished(progress({ finishedAt: at(60) }))).toBe(false);
  });
});
