import { describe, expect, it } from 'vitest';
import { RateLimiter } from '@/lib/http/rate-limit';

describe('RateLimiter', () => {
  it('allows a burst, refuses the next, refills over time', () => {
    const rl = new RateLimiter({ perMinute: 3 }, null);
    const t = 1_000_000;
    expect([1, 2, 3].map(() => rl.check('ip', t).ok)).toEqual([true, true, true]);
    const refused = rl.check('ip', t);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 20 });
    expect(rl.check('ip', t + 20_000).ok).toBe(true);
  });

  it('keeps clients apart', () => {
    const rl = new RateLimiter({ perMinute: 1 }, null);
    expect(rl.check('a', 0).ok).toBe(true);
    expect(rl.check('a', 0).ok).toBe(false);
    expect(rl.check('b', 0).ok).toBe(true);
  });

  it('bounds the total with the global bucket (spoofed keys)', () => {
    const rl = new RateLimiter({ perMinute: 1 }, { perMinute: 5 });
    const results = Array.from({ length: 8 }, (_, i) => rl.check(`spoofed-${i}`, 0).ok);
    expect(results.filter(Boolean)).toHaveLength(5);
  });

  it('forgets the oldest keys past its size bound', () => {
    const rl = new RateLimiter({ perMinute: 1 }, null, 2);
    rl.check('a', 0);
    rl.check('b', 0);
    rl.check('c', 0);
    expect(rl.check('a', 0).ok).toBe(true);
  });

  it('never lets one address exhaust the global bucket: a flood from A leaves room for B', () => {
    const rl = new RateLimiter({ perMinute: 10 }, { perMinute: 20 });
    const flood = Array.from({ length: 1000 }, () => rl.check('198.51.100.1', 0).ok);
    expect(flood.filter(Boolean)).toHaveLength(10);
    expect(rl.check('203.0.113.2', 0).ok).toBe(true);
    // The global bucket still bounds many addresses together.
    const many = Array.from({ length: 30 }, (_, i) => rl.check(`192.0.2.${i}`, 0).ok);
    expect(many.filter(Boolean)).toHaveLength(9);
  });
});
