import { describe, expect, it } from 'vitest';
import { UsageError } from '@/cli/command';
import { bar, parseCertArgs, parseWavesArg, watchVerdict } from '@/cli/commands/campaign';
import { main } from '@/cli/main';
import { itemTally, type ItemTally } from '@/lib/campaigns/campaign-outcome';
import { campaignCommands } from '@/cli/commands/campaign';

describe('campaign CLI arguments', () => {
  it.each<[string, unknown]>([
    ['10,rest', [{ size: 10 }, { size: null }]],
    ['5%,25%,rest', [{ percent: 5 }, { percent: 25 }, { size: null }]],
    ['10:2,100:5,rest', [{ size: 10, maxFailures: 2 }, { size: 100, maxFailures: 5 }, { size: null }]],
  ])('--waves %s', (arg, expected) => {
    expect(parseWavesArg(arg)).toEqual(expected);
  });

  it.each(['ten,rest', '10:-1', '10:x'])('refuses --waves %s', (arg) => {
    expect(() => parseWavesArg(arg)).toThrow(UsageError);
  });

  it('reads REGION=certificate pairs', () => {
    expect(parseCertArgs(['EU=abc', 'US = 0123'])).toEqual({ EU: 'abc', US: '0123' });
    expect(() => parseCertArgs(['EU'])).toThrow(UsageError);
    // Two certificates for one region would silently drop one.
    expect(() => parseCertArgs(['EU=abc', 'EU=def'])).toThrow(/region EU twice/);
  });

  it('draws progress bars', () => {
    expect(bar(0.5, 10)).toBe('[#####-----]');
    expect(bar(1, 4)).toBe('[####]');
  });

  it('answers usage errors with exit code 2 before touching the database', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    expect(await main(['campaign', 'create', '--name', 'x'], io, campaignCommands)).toBe(2);
    expect(out.join('\n')).toMatch(/--cert REGION=/);
    expect(await main(['campaign', 'start'], io, campaignCommands)).toBe(2);
  });
});

describe('campaign status --watch: when it stops and with which exit code', () => {
  type T = Partial<ItemTally>;
  const progress = (state: string, t: T) => {
    const totals = itemTally(t);
    const total = totals.QUEUED + totals.RUNNING + totals.SUCCEEDED + totals.FAILED + totals.SKIPPED + totals.CANCELLED;
    return { campaign: { id: 'c1', state }, totals: { ...totals, total } } as unknown as Parameters<
      typeof watchVerdict
    >[0];
  };
  it.each<[string, string, T, 0 | 1 | null, RegExp | null]>([
    ['every item succeeded', 'FINISHED', { SUCCEEDED: 5 }, 0, /all 5 item\(s\) succeeded/],
    ['completed with a failure', 'FINISHED', { SUCCEEDED: 4, FAILED: 1 }, 1, /with exceptions: 4 succeeded, 1 failed/],
    ['completed with a skipped item', 'FINISHED', { SUCCEEDED: 4, SKIPPED: 1 }, 1, /1 skipped/],
    ['cancelled, nothing running', 'CANCELLED', { SUCCEEDED: 1, CANCELLED: 3 }, 1, /was cancelled: 1 of 4/],
    ['cancelled, rotations still finishing', 'CANCELLED', { RUNNING: 2, CANCELLED: 3 }, null, null],
    ['running with queued items', 'RUNNING', { QUEUED: 3, SUCCEEDED: 1 }, null, null],
    ['running rotations', 'RUNNING', { RUNNING: 2 }, null, null],
    [
      'queued behind rotations that need attention',
      'RUNNING',
      { QUEUED: 2, RUNNING: 1, needsAttention: 1 },
      null,
      null,
    ],
    [
      'only rotations that need an admin',
      'RUNNING',
      { RUNNING: 2, needsAttention: 2, SUCCEEDED: 3 },
      1,
      /waits for an admin: 2/,
    ],
    ['paused, rotations still finishing', 'PAUSED', { QUEUED: 3, RUNNING: 1 }, null, null],
    ['paused at a wave gate', 'PAUSED', { QUEUED: 3, SUCCEEDED: 2 }, 1, /paused .* rekey campaign resume c1/],
    ['a draft', 'DRAFT', { QUEUED: 3 }, 1, /has not started \(DRAFT\): rekey campaign start c1/],
    ['awaiting approval', 'AWAITING_APPROVAL', { QUEUED: 3 }, 1, /rekey campaign approve c1/],
  ])('%s', (_name, state, t, code, message) => {
    const v = watchVerdict(progress(state, t));
    if (code === null) expect(v).toBeNull();
    else {
      expect(v?.code).toBe(code);
      expect(v?.message).toMatch(message!);
    }
  });
});
