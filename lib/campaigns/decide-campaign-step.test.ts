import { describe, expect, it } from 'vitest';
import { decideCampaignStep, type CampaignStepInput } from '@/lib/campaigns/decide-campaign-step';

const s = (
  over: Partial<CampaignStepInput> & { queued?: number; active?: number; attention?: number } = {},
): CampaignStepInput => ({
  currentWave: over.currentWave ?? 0,
  waveCount: over.waveCount ?? 2,
  upToCurrent: {
    queued: over.queued ?? 0,
    active: over.active ?? 0,
    attention: over.attention ?? 0,
    failed: over.currentFailed ?? 0,
  },
  currentFailed: over.currentFailed ?? 0,
  currentAttention: over.currentAttention ?? over.attention ?? 0,
  maxFailures: over.maxFailures ?? 0,
});

describe('what a running campaign does next', () => {
  it.each<[string, CampaignStepInput, string]>([
    ['queued work in the current wave is dispatched', s({ queued: 3 }), 'dispatch'],
    ['running work keeps the wave open', s({ active: 1, currentFailed: 2 }), 'dispatch'],
    ['a clean canary advances to the next wave', s(), 'advance'],
    ['a canary with a failure pauses the campaign', s({ currentFailed: 1 }), 'pause'],
    ['a canary item needing attention counts as a failure', s({ attention: 1 }), 'pause'],
    ['failures within the wave’s allowance advance', s({ currentFailed: 2, maxFailures: 2 }), 'advance'],
    [
      'the last wave with failures completes (nothing left to gate)',
      s({ currentWave: 1, currentFailed: 5, maxFailures: Infinity }),
      'complete',
    ],
    [
      'the last wave waits for items needing attention',
      s({ currentWave: 1, attention: 1, maxFailures: Infinity }),
      'wait',
    ],
    ['a single-wave campaign with everything done completes', s({ waveCount: 1, maxFailures: Infinity }), 'complete'],
  ])('%s', (_n, input, kind) => {
    expect(decideCampaignStep(input).kind).toBe(kind);
  });
});
