import { describe, expect, it } from 'vitest';
import { mapAdaptive } from '@/lib/detection/detection-context';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapAdaptive', () => {
  it('grows while nothing pushes back, halves when something does, and keeps input order', async () => {
    let inFlight = 0;
    let peak = 0;
    let pressure = 0;
    const items = Array.from({ length: 400 }, (_, i) => i);
    const out = await mapAdaptive(items, { start: 4, max: 32, pressure: () => pressure }, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick();
      // Throttled once the pool passes 20 in flight.
      if (inFlight > 20) pressure++;
      inFlight--;
      return i * 2;
    });
    expect(out).toEqual(items.map((i) => i * 2));
    expect(peak).toBeGreaterThan(8);
    expect(peak).toBeLessThanOrEqual(32);
    // Cut back after passing 20: it never stays at the ceiling.
    expect(peak).toBeLessThan(32);
  });

  it('never grows past its start under constant pressure', async () => {
    let inFlight = 0;
    let peak = 0;
    let pressure = 0;
    await mapAdaptive(
      Array.from({ length: 200 }, (_, i) => i),
      { start: 4, max: 32, pressure: () => pressure },
      async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await tick();
        pressure++;
        inFlight--;
      },
    );
    expect(peak).toBeLessThanOrEqual(4);
  });

  it('rejects with the first failure and handles an empty list', async () => {
    await expect(mapAdaptive([], { pressure: () => 0 }, async () => 1)).resolves.toEqual([]);
    await expect(
      mapAdaptive([1, 2, 3], { start: 1, pressure: () => 0 }, async (i) => {
        if (i === 2) throw new Error('boom');
        return i;
      }),
    ).rejects.toThrow('boom');
  });
});
