import { describe, expect, it } from 'vitest';
import { createSemaphore, createTokenBucket } from '@/lib/graph/token-bucket';

describe('createTokenBucket', () => {
  it('grants a full burst, then makes each further reservation wait its share of the window', () => {
    let now = 0;
    const b = createTokenBucket({ capacity: 5, windowMs: 10_000, clock: () => now });
    expect([1, 2, 3, 4, 5].map(() => b.reserve())).toEqual([0, 0, 0, 0, 0]);
    expect(b.reserve()).toBe(2_000); // one token refills every 2 s
    expect(b.reserve()).toBe(4_000); // queued behind the previous reservation
    now = 4_000;
    expect(b.available()).toBe(0);
    now = 14_000;
    expect(b.available()).toBe(5); // never above capacity
  });

  it('charges multi-unit costs (resource units) proportionally', () => {
    let now = 0;
    const b = createTokenBucket({ capacity: 3_500, windowMs: 10_000, clock: () => now });
    expect(b.reserve(3_500)).toBe(0);
    expect(b.reserve(350)).toBe(1_000);
    now = 1_000;
    expect(b.reserve(0)).toBe(0);
  });

  it('keeps the sustained rate at capacity per window, whatever the arrival pattern', () => {
    let now = 0;
    const b = createTokenBucket({ capacity: 5, windowMs: 10_000, clock: () => now });
    const usedAt: number[] = [];
    for (let i = 0; i < 40; i++) {
      now = i * 300;
      usedAt.push(now + b.reserve());
    }
    // A token bucket (as Graph documents its identity limits): one burst of `capacity`, then the refill rate.
    const last = Math.max(...usedAt);
    expect(usedAt.length).toBeLessThanOrEqual(5 + Math.floor(last / 2_000));
    for (const t of usedAt) expect(usedAt.filter((u) => u >= t && u < t + 10_000).length).toBeLessThanOrEqual(10);
  });
});

describe('createSemaphore', () => {
  it('admits at most the limit and serves waiters in order', async () => {
    const s = createSemaphore(2);
    const order: number[] = [];
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    const p3 = s.acquire().then((r) => (order.push(3), r));
    const p4 = s.acquire().then((r) => (order.push(4), r));
    expect(s.waiting).toBe(2);
    r1();
    r1(); // releasing twice is harmless
    const r3 = await p3;
    expect(s.active).toBe(2);
    r2();
    r3();
    (await p4)();
    expect(order).toEqual([3, 4]);
    expect(s.active).toBe(0);
  });
});
