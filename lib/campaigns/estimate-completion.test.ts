import { describe, expect, it } from 'vitest';
import { estimateCompletion, type EstimateInput } from '@/lib/campaigns/estimate-completion';

const now = new Date('2026-12-01T12:00:00Z');
const i = (over: Partial<EstimateInput>): EstimateInput => ({
  now,
  state: 'RUNNING',
  remaining: 0,
  completedLast5m: 0,
  completedLast15m: 0,
  deadline: null,
  finishedAt: null,
  ...over,
});

describe('estimating completion', () => {
  it('uses the 15-minute throughput: 30 done in 15 min, 60 left → 30 min', () => {
    const e = estimateCompletion(i({ remaining: 60, completedLast15m: 30, completedLast5m: 20 }));
    expect(e.perMinute).toBe(2);
    expect(e.etaMinutes).toBe(30);
    expect(e.etaAt).toEqual(new Date('2026-12-01T12:30:00Z'));
  });

  it('falls back to the 5-minute window when that is all there is', () => {
    expect(estimateCompletion(i({ remaining: 10, completedLast5m: 5 })).etaMinutes).toBe(10);
  });

  it.each<[string, Partial<EstimateInput>]>([
    ['paused with work left', { state: 'PAUSED', remaining: 4, completedLast15m: 30 }],
    ['paused, the last item waiting for a person', { state: 'PAUSED', remaining: 0, waiting: 1 }],
    ['running, only items waiting for a person left', { remaining: 0, waiting: 2, completedLast15m: 30 }],
    ['finished', { state: 'FINISHED', finishedAt: new Date('2026-12-01T11:00:00Z') }],
  ])('has no ETA when nothing moves on its own: %s', (_n, over) => {
    const e = estimateCompletion(i(over));
    expect(e.etaAt).toBeNull();
    expect(e.etaMinutes).toBeNull();
  });

  it.each<[string, Partial<EstimateInput>, string]>([
    [
      'an item waiting for a person before the deadline is at risk, not met',
      { remaining: 0, waiting: 1, deadline: new Date('2026-12-02T00:00:00Z') },
      'at_risk',
    ],
    ['no deadline', { remaining: 5, completedLast15m: 15 }, 'none'],
    [
      'ETA before the deadline is on track',
      { remaining: 10, completedLast15m: 15, deadline: new Date('2026-12-01T12:11:00Z') },
      'on_track',
    ],
    [
      'ETA after the deadline is at risk',
      { remaining: 10, completedLast15m: 15, deadline: new Date('2026-12-01T12:09:00Z') },
      'at_risk',
    ],
    [
      'a paused campaign with work left and no throughput is at risk',
      { state: 'PAUSED', remaining: 10, deadline: new Date('2026-12-02T00:00:00Z') },
      'at_risk',
    ],
    [
      'a running campaign with no throughput yet is unknown',
      { remaining: 10, deadline: new Date('2026-12-02T00:00:00Z') },
      'unknown',
    ],
    [
      'finished before the deadline is met',
      { finishedAt: new Date('2026-12-01T11:00:00Z'), deadline: new Date('2026-12-01T11:30:00Z') },
      'met',
    ],
    [
      'finished after the deadline is missed',
      { finishedAt: new Date('2026-12-01T11:00:00Z'), deadline: new Date('2026-12-01T10:00:00Z') },
      'missed',
    ],
    [
      'past the deadline with work left is missed',
      { remaining: 3, completedLast15m: 30, deadline: new Date('2026-12-01T11:00:00Z') },
      'missed',
    ],
  ])('%s', (_n, over, risk) => {
    expect(estimateCompletion(i(over)).deadlineRisk).toBe(risk);
  });
});
