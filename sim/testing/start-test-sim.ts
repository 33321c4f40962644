// Starts an in-process simulator for tests: random port, the shared test CA (created by
// sim/testing/global-setup.ts before workers fork, so NODE_EXTRA_CA_CERTS already trusts it),
// a throwaway data dir and a small seeded demo fleet (8 tenants, all scenarios present). Replication
// lag is on (the simulator's DEFAULT_REPLICATION) unless `replication: NO_REPLICATION_LAG` is passed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle, type StartSimulatorOptions } from '../server';

export const TEST_SIM_DIR = path.resolve(import.meta.dirname, '..', '..', '.data', 'test', 'sim');
export const TEST_KEYS_DIR = path.join(TEST_SIM_DIR, 'keys');

export async function startTestSim(opts: StartSimulatorOptions = {}): Promise<SimHandle> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-sim-'));
  const sim = await startSimulator({
    port: 0,
    tlsDir: TEST_SIM_DIR,
    keysDir: TEST_KEYS_DIR,
    persist: false,
    seed: 'demo',
    tenants: 8,
    throttling: true,
    log: false,
    ...opts,
    dataDir,
  });
  const close = sim.close.bind(sim);
  sim.close = async () => {
    await close();
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return sim;
}
