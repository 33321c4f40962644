import { describe, expect, it } from 'vitest';
import { UsageError } from '@/cli/command';
import { bar, parseCertArgs, parseWavesArg } from '@/cli/commands/campaign';
import { main } from '@/cli/main';
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
  });

  it('draws progress bars', () => {
    expect(bar(50, 10)).toBe('[#####-----]');
    expect(bar(100, 4)).toBe('[####]');
  });

  it('answers usage errors with exit code 2 before touching the database', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    expect(await main(['campaign', 'create', '--name', 'x'], io, campaignCommands)).toBe(2);
    expect(out.join('\n')).toMatch(/--cert REGION=/);
    expect(await main(['campaign', 'start'], io, campaignCommands)).toBe(2);
  });
});
