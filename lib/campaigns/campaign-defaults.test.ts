import { describe, expect, it } from 'vitest';
import { defaultCampaignMode, defaultsToExposed } from '@/lib/campaigns/campaign-defaults';

describe('safe campaign defaults', () => {
  it.each([
    [{ targeted: 0 }, 'rotate'],
    [{ targeted: 2 }, 'reestablish'],
    [{ advisorySeverity: 'critical', targeted: 0 }, 'reestablish'],
    [{ advisorySeverity: 'high', targeted: 0 }, 'rotate'],
    [{ fromMode: 'rotate', advisorySeverity: 'critical', targeted: 3 }, 'rotate'],
    [{ fromMode: 'reestablish', targeted: 0 }, 'reestablish'],
  ] as const)('mode for %o is %s', (input, mode) => {
    expect(defaultCampaignMode(input)).toBe(mode);
  });

  it('starts from the exposed connectors, never from everything', () => {
    expect(defaultsToExposed({})).toBe(true);
    expect(defaultsToExposed({ region: 'EU' })).toBe(true);
    expect(defaultsToExposed({ status: '' })).toBe(false); // "Any status" chosen on purpose
    expect(defaultsToExposed({ status: 'expiring' })).toBe(false);
    expect(defaultsToExposed({ advisoryId: 'x' })).toBe(false);
    expect(defaultsToExposed({ from: 'x' })).toBe(false);
  });
});
