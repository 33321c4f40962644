import { describe, expect, it } from 'vitest';
import { parseEnv, workerNodeArgs } from '@/lib/env';

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

  it('gives a worker process a 1024 MB heap limit by default; 0 leaves it to V8; a limit under 256 MB is refused', () => {
    expect(workerNodeArgs(parseEnv({}).REKEY_WORKER_HEAP_MB)).toEqual(['--max-old-space-size=1024']);
    expect(workerNodeArgs(parseEnv({ REKEY_WORKER_HEAP_MB: '512' }).REKEY_WORKER_HEAP_MB)).toEqual([
      '--max-old-space-size=512',
    ]);
    expect(workerNodeArgs(parseEnv({ REKEY_WORKER_HEAP_MB: '0' }).REKEY_WORKER_HEAP_MB)).toEqual([]);
    for (const bad of ['100', '-1', '1.5', 'lots'])
      expect(() => parseEnv({ REKEY_WORKER_HEAP_MB: bad })).toThrow(/REKEY_WORKER_HEAP_MB/);
  });
});

describe('parseEnv: clouds and the Graph resource', () => {
  it('usgov-dod: Entra at login.microsoftonline.us, Graph (endpoint and token resource) at dod-graph.microsoft.us', () => {
    expect(parseEnv({ REKEY_CLOUD: 'usgov-dod' })).toMatchObject({
      authorityHost: 'https://login.microsoftonline.us',
      graphEndpoint: 'https://dod-graph.microsoft.us',
      graphResource: 'https://dod-graph.microsoft.us',
    });
    expect(parseEnv({ REKEY_CLOUD: 'usgov' }).graphResource).toBe('https://graph.microsoft.us');
    expect(parseEnv({}).graphResource).toBe('https://graph.microsoft.com');
  });

  it('keeps the cloud’s resource when the endpoints are overridden, and REKEY_GRAPH_RESOURCE sets it on its own', () => {
    const sim = { REKEY_AUTHORITY_HOST: 'https://localhost:4443', REKEY_GRAPH_ENDPOINT: 'https://localhost:4443/' };
    expect(parseEnv({ ...sim, REKEY_CLOUD: 'usgov-dod' })).toMatchObject({
      graphEndpoint: 'https://localhost:4443',
      graphResource: 'https://dod-graph.microsoft.us',
    });
    expect(parseEnv({ ...sim, REKEY_GRAPH_RESOURCE: 'https://graph.microsoft.us/' }).graphResource).toBe(
      'https://graph.microsoft.us',
    );
  });

  it('refuses an unknown cloud or a resource that is not a URL, naming the variable', () => {
    expect(() => parseEnv({ REKEY_CLOUD: 'dod' })).toThrow(/REKEY_CLOUD/);
    expect(() => parseEnv({ REKEY_GRAPH_RESOURCE: 'graph' })).toThrow(/REKEY_GRAPH_RESOURCE/);
  });
});
