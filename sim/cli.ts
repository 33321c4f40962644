// `npm run sim -- [--port 4443] [--seed demo|none] [--tenants 50] [--reset] [--data-dir .data/sim]
//   [--login-host login.microsoftonline.com] [--graph-host graph.microsoft.com] [--latency-ms 0]
//   [--no-throttling] [--quiet] [--vendor-traffic-seconds 0] [--redirect-uri URI]...`
import { parseArgs } from 'node:util';
import type { ReplicationConfig } from './directory/replication';
import { DEFAULT_PORT, DEFAULT_TENANTS, DEFAULT_REPLICATION, parseReplicationArg, startSimulator } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(DEFAULT_PORT) },
    seed: { type: 'string', default: 'demo' },
    tenants: { type: 'string', default: String(DEFAULT_TENANTS) },
    reset: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: '.data/sim' },
    'login-host': { type: 'string' },
    'graph-host': { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    'no-throttling': { type: 'boolean', default: false },
    'no-persist': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    'redirect-uri': { type: 'string', multiple: true },
    // On by default (50-400 ms, as Entra replicates; see sim/README.md); `--replication-lag-ms 0` turns it off.
    'replication-lag-ms': { type: 'string' },
    'replication-seed': { type: 'string', default: DEFAULT_REPLICATION.seed },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    'Usage: npm run sim -- [--port 4443] [--seed demo|none] [--tenants N] [--reset] [--data-dir DIR] [--login-host H] [--graph-host H] [--latency-ms MS] [--no-throttling] [--no-persist] [--quiet] [--redirect-uri URI]... [--replication-lag-ms 50-400 (default)|0] [--replication-seed S]',
  );
  process.exit(0);
}

const seed = values.seed === 'none' ? 'none' : 'demo';
// `--replication-lag-ms 50-400` (min-max; the default), `0` turns the replication lag model off.
let replication: ReplicationConfig;
try {
  replication = parseReplicationArg(values['replication-lag-ms'], values['replication-seed']);
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const started = Date.now();
const sim = await startSimulator({
  port: Number(values.port),
  dataDir: values['data-dir'],
  persist: !values['no-persist'],
  reset: values.reset,
  seed,
  tenants: Number(values.tenants),
  latencyMs: Number(values['latency-ms']),
  throttling: !values['no-throttling'],
  loginHost: values['login-host'],
  graphHost: values['graph-host'],
  log: !values.quiet,
  managementRedirectUris: values['redirect-uri'],
  replication,
});
console.log(
  `Microsoft 365 simulator listening on ${sim.url} (${sim.state.tenants.size} tenants, ready in ${Date.now() - started} ms)`,
);
console.log(`  trust its CA:   NODE_EXTRA_CA_CERTS=${sim.caPemPath}`);
if (sim.manifest) console.log(`  fleet manifest: ${sim.manifestPath}`);
console.log(`  control API:    ${sim.url}/_sim/health`);

const stop = async (): Promise<void> => {
  await sim.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
