// Vitest globalSetup (all projects): create the test CA, server certificate, token-signing key and the
// demo fleet's certificates in .data/test/sim BEFORE any worker forks, and point NODE_EXTRA_CA_CERTS
// at the CA. Forked workers inherit process.env at fork time, and Node reads NODE_EXTRA_CA_CERTS at
// startup, so every worker trusts in-process simulators (sim/testing/start-test-sim.ts).
import { ensureTlsMaterial } from '../crypto/ca';
import { ensureCertificateKit } from '../seed/demo-fleet';
import { TEST_KEYS_DIR, TEST_SIM_DIR } from './start-test-sim';
import { startSimulator } from '../server';

export default async function setup(): Promise<void> {
  const tls = ensureTlsMaterial(TEST_SIM_DIR, ['login.microsoftonline.com', 'graph.microsoft.com']);
  ensureCertificateKit(TEST_KEYS_DIR, Date.now());
  // Create the token-signing key once (startSimulator does it on first use); no fleet, closed at once.
  const sim = await startSimulator({
    port: 0,
    dataDir: `${TEST_SIM_DIR}/setup`,
    tlsDir: TEST_SIM_DIR,
    seed: 'none',
    log: false,
  });
  await sim.close();
  process.env.NODE_EXTRA_CA_CERTS = tls.caPemPath;
}
