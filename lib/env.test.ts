import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';

describe('parseEnv: worker settings', () => {
  it('runs one inline worker process by default and accepts more', () => {
    expect(parseEnv({})).toMatchObject({
      REKEY_WORKER: 'inline',
      REKEY_WORKER_PROCESSES: 1,
      REKEY_WORKER_CONCURRENCY: 20,
    });
    expect(parseEnv({ REKEY_WORKER_PROCESSES: '2' }).REKEY_WORKER_PROCESSES).toBe(2);
  });

  it('refuses a worker process count that is not a whole number from 1 to 64, naming the variable', () => {
    for (const bad of ['0', '65', '1.5', 'two'])
      expect(() => parseEnv({ REKEY_WORKER_PROCESSES: bad })).toThrow(/REKEY_WORKER_PROCESSES/);
  });
});
