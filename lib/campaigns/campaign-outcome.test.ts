import { describe, expect, it } from 'vitest';
import {
  deriveCampaignOutcome,
  itemTally as tally,
  type ItemTally,
  type OutcomeKind,
} from '@/lib/campaigns/campaign-outcome';

describe('deriveCampaignOutcome (item outcomes → what the campaign says)', () => {
  const rows: [string, string, Partial<ItemTally>, OutcomeKind, string, number, number][] = [
    // name, stored state, items, outcome, label, exceptions, retryable
    ['every item succeeded', 'FINISHED', { SUCCEEDED: 5 }, 'completed', 'Completed', 0, 0],
    [
      'succeeded + verified on target',
      'FINISHED',
      { SUCCEEDED: 4, SKIPPED: 1, skippedOnTarget: 1 },
      'completed',
      'Completed',
      0,
      0,
    ],
    [
      'one cancelled (the Woodgrove case)',
      'FINISHED',
      { SUCCEEDED: 4, CANCELLED: 1 },
      'finished_with_exceptions',
      'Finished with exceptions',
      1,
      1,
    ],
    [
      'one failed',
      'FINISHED',
      { SUCCEEDED: 4, FAILED: 1 },
      'finished_with_exceptions',
      'Finished with exceptions',
      1,
      1,
    ],
    [
      'skipped for no access',
      'FINISHED',
      { SUCCEEDED: 4, SKIPPED: 1 },
      'finished_with_exceptions',
      'Finished with exceptions',
      1,
      0,
    ],
    ['no items at all', 'FINISHED', {}, 'finished_with_exceptions', 'Finished with exceptions', 0, 0],
    ['running', 'RUNNING', { SUCCEEDED: 1, RUNNING: 2, QUEUED: 2 }, 'running', 'Running', 0, 0],
    [
      'only items that need a person are left',
      'RUNNING',
      { SUCCEEDED: 4, RUNNING: 1, needsAttention: 1 },
      'running',
      'Running — waiting for attention',
      1,
      1,
    ],
    ['cancelled campaign', 'CANCELLED', { SUCCEEDED: 2, CANCELLED: 3 }, 'cancelled', 'Cancelled', 3, 3],
    ['draft', 'DRAFT', { QUEUED: 3 }, 'draft', 'Draft', 0, 0],
    ['approved', 'APPROVED', { QUEUED: 3 }, 'approved', 'Approved', 0, 0],
    ['awaiting approval', 'AWAITING_APPROVAL', { QUEUED: 3 }, 'awaiting_approval', 'Awaiting approval', 0, 0],
    ['paused', 'PAUSED', { FAILED: 1, QUEUED: 3 }, 'paused', 'Paused', 1, 1],
  ];

  it.each(rows)('%s', (_, state, items, kind, label, exceptions, retryable) => {
    const t = tally(items);
    const o = deriveCampaignOutcome(state, t);
    expect(o.kind).toBe(kind);
    expect(o.label).toBe(label);
    expect(o.exceptions).toBe(exceptions);
    expect(o.retryable).toBe(retryable);
    // The counts per outcome always add up to the total number of items.
    const total = t.QUEUED + t.RUNNING + t.SUCCEEDED + t.FAILED + t.SKIPPED + t.CANCELLED;
    expect(Object.values(o.counts).reduce((a, b) => a + b, 0)).toBe(total);
    expect(o.total).toBe(total);
  });

  it('counts only items that can progress without a person as progressing (the ETA)', () => {
    const o = deriveCampaignOutcome('RUNNING', tally({ RUNNING: 3, needsAttention: 2, QUEUED: 4 }));
    expect(o.progressing).toBe(5);
    expect(o.counts).toMatchObject({ running: 1, needsAttention: 2, queued: 4 });
  });

  it('names every non-zero count', () => {
    expect(deriveCampaignOutcome('FINISHED', tally({ SUCCEEDED: 3, CANCELLED: 1 })).summary).toBe(
      '3 succeeded, 1 cancelled',
    );
  });
});
