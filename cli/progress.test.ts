import { describe, expect, it } from 'vitest';
import { progressLine, startProgress } from './progress';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, sink: { isTTY, write: (t: string) => void out.push(t) } };
}

describe('CLI progress', () => {
  it('says done / total, rate and time left, then the total time', () => {
    expect(progressLine('consent checks', 0, 10_000, 0)).toBe('consent checks: 0 of 10,000');
    expect(progressLine('consent checks', 3_200, 10_000, 10_000)).toBe(
      'consent checks: 3,200 of 10,000 (320/s, about 21 s left)',
    );
    expect(progressLine('scans', 600, 600, 41_500)).toBe('scans: 600 of 600 in 42 s (14/s)');
  });

  it('off a terminal: plain lines, the first, one per interval and the last', () => {
    let t = 0;
    const { out, sink: s } = sink(false);
    const p = startProgress('scans', 4, { sink: s, everyMs: 1000, now: () => t });
    t = 500;
    p.tick();
    t = 1500;
    p.tick();
    t = 1600;
    p.tick();
    t = 2000;
    p.tick();
    p.end(); // already ended by the last tick
    expect(out).toEqual([
      'scans: 0 of 4\n',
      'scans: 2 of 4 (1.3/s, about 2 s left)\n',
      'scans: 4 of 4 in 2 s (2.0/s)\n',
    ]);
    expect(out.every((l) => !l.includes('\r'))).toBe(true);
  });

  it('on a terminal: one line redrawn in place, a newline only at the end', () => {
    let t = 0;
    const { out, sink: s } = sink(true);
    const p = startProgress('checks', 3, { sink: s, now: () => t });
    t = 300;
    p.tick();
    t = 600;
    p.tick();
    t = 900;
    p.tick();
    expect(out.every((l) => l.startsWith('\r'))).toBe(true);
    expect(out.slice(0, -1).every((l) => !l.includes('\n'))).toBe(true);
    expect(out.at(-1)).toMatch(/^\rchecks: 3 of 3 in under a second \(3\.3\/s\)\s*\n$/);
  });
});
