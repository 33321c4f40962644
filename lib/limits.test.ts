import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkSize, formatSize, LIMITS, MiB, SERVER_ACTION_BODY_LIMIT_BYTES, tooLargeMessage } from './limits';

describe('limits', () => {
  it('are the documented ones', () => {
    expect(LIMITS).toEqual({ certificate: 1 * MiB, csv: 5 * MiB, advisory: 2 * MiB });
  });

  it('say the size and the limit in the same words everywhere', () => {
    expect(tooLargeMessage('csv', Math.round(7.4 * MiB))).toBe('the file is 7.4 MiB; the limit is 5 MiB');
    expect(checkSize('certificate', 8 * MiB)).toBe('the file is 8 MiB; the limit is 1 MiB');
    expect(checkSize('certificate', 1 * MiB)).toBeNull();
    expect(checkSize('advisory', 2 * MiB + 1)).toBe('the file is 2,097,153 bytes; the limit is 2 MiB');
    expect(formatSize(300)).toBe('300 bytes');
    expect(formatSize(12_800)).toBe('12.5 KiB');
  });

  it("fit under Next's server-action body limit, so a file at any limit reaches Rekey's own check", async () => {
    // next.config.js is plain JS (not type-checked here): load it the way Next does.
    const url = pathToFileURL(path.resolve(import.meta.dirname, '../next.config.js')).href;
    const nextConfig = (await import(/* @vite-ignore */ url)) as {
      default: (phase: string) => { experimental?: { serverActions?: { bodySizeLimit?: unknown } } };
    };
    const limit = nextConfig.default('phase-production-build').experimental?.serverActions?.bodySizeLimit;
    expect(typeof limit).toBe('string');
    const m = /^(\d+)mb$/i.exec(String(limit));
    expect(m).not.toBeNull();
    // Next reads "6mb" with the `bytes` package: 1 mb = 1024 * 1024 bytes.
    expect(Number(m![1]) * MiB).toBeGreaterThanOrEqual(SERVER_ACTION_BODY_LIMIT_BYTES);
    expect(Math.max(...Object.values(LIMITS))).toBeLessThan(SERVER_ACTION_BODY_LIMIT_BYTES);
  });
});
