import { describe, expect, it } from 'vitest';
import { retryOnDeadlock } from '@/lib/jobs/job-queues';

describe('retryOnDeadlock', () => {
  it('tries again when PostgreSQL aborts with a deadlock, and returns the result', async () => {
    let calls = 0;
    const result = await retryOnDeadlock(async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return 'ok';
    });
    expect({ result, calls }).toEqual({ result: 'ok', calls: 3 });
  });

  it('passes any other error through at once', async () => {
    let calls = 0;
    await expect(
      retryOnDeadlock(async () => {
        calls++;
        throw new Error('relation does not exist');
      }),
    ).rejects.toThrow('relation does not exist');
    expect(calls).toBe(1);
  });

  it('gives up after the last attempt', async () => {
    let calls = 0;
    await expect(
      retryOnDeadlock(async () => {
        calls++;
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      }, 3),
    ).rejects.toThrow('deadlock');
    expect(calls).toBe(3);
  });
});
