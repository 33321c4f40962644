// The Microsoft 365 simulator: one HTTPS server for Entra ID (token, OIDC, JWKS, authorize) and
// Microsoft Graph (/v1.0, /beta), plus a control API under /_sim/. See sim/README.md.
// startSimulator composes the parts: the request router (sim/http/route-request.ts), the control
// surface (sim/control/sim-admin.ts, served over HTTP by sim/control/control-api.ts), the faults
// (sim/faults/sim-faults.ts) and the demo fleet (sim/seed/sim-fleet.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { handleControl } from './control/control-api';
import { createSimAdmin } from './control/sim-admin';
import { ensureTlsMaterial } from './crypto/ca';
import { buildCertificate, generateRsaKeyPair, pemToDer } from './crypto/x509';
import { Directory } from './directory/directory';
import { Replication, type ReplicationConfig } from './directory/replication';
import { FaultInjector } from './faults/fault-injector';
import { createSimFaults } from './faults/sim-faults';
import { requestListener } from './http/route-request';
import { loadDirectory, readStateFile, StateStore } from './persist/state-store';
import { createSimFleet } from './seed/sim-fleet';
import type { SigningKey, SimConfig, SimContext } from './sim-context';
import type { SimHandle } from './sim-handle-types';
import { Throttler, type ThrottleLimits } from './throttle/throttler';

export type { SimAdmin } from './control/sim-admin';
export type { SimFaults } from './faults/sim-faults';
export type { SimHandle } from './sim-handle-types';

export const DEFAULT_PORT = 4443;
export const DEFAULT_DATA_DIR = '.data/sim';
export const DEFAULT_TENANTS = 50;
/** Small lags for tests and the demo: enough for every read-after-write path to meet a stale replica. */
export const DEMO_REPLICATION: ReplicationConfig = { enabled: true, minLagMs: 50, maxLagMs: 400, seed: 'rekey-demo' };
/**
 * The simulator replicates Graph writes with a lag by default, as Entra ID does ("Microsoft Graph known
 * issues": directory replication delays): small, seeded lags (DEMO_REPLICATION). Tests that read
 * back right after a write on purpose pass NO_REPLICATION_LAG and say why.
 */
export const DEFAULT_REPLICATION: ReplicationConfig = DEMO_REPLICATION;

/**
 * The CLI's `--replication-lag-ms MIN-MAX` (or one number): `0` turns the model off; absent means
 * DEFAULT_REPLICATION. Throws a one-line message on anything else.
 */
export function parseReplicationArg(
  arg: string | undefined,
  seed: string = DEFAULT_REPLICATION.seed,
): ReplicationConfig {
  if (arg === undefined) return { ...DEFAULT_REPLICATION, seed };
  const m = /^(\d+)(?:-(\d+))?$/.exec(arg);
  if (!m) throw new Error('--replication-lag-ms takes MIN-MAX or one number of milliseconds (0 turns it off)');
  const [minLagMs, maxLagMs] = [Number(m[1]), Number(m[2] ?? m[1])];
  if (maxLagMs < minLagMs) throw new Error('--replication-lag-ms: MIN must not exceed MAX');
  return { enabled: maxLagMs > 0, minLagMs, maxLagMs, seed };
}

export interface StartSimulatorOptions {
  /** 0 = random free port. Default 4443. */
  port?: number;
  /** State, manifest and keys. Default `.data/sim`. */
  dataDir?: string;
  /** Where the CA, server certificate and token-signing key live. Default: dataDir. */
  tlsDir?: string;
  /** Where seeded certificates and private keys are written / reused. Default `<dataDir>/keys`. */
  keysDir?: string;
  /** Keep state in `<dataDir>/state.json` across restarts. Default false. */
  persist?: boolean;
  /** Ignore persisted state and reseed. */
  reset?: boolean;
  seed?: 'demo' | 'none';
  /** Demo fleet size (1..10,000). Default 50. */
  tenants?: number;
  /** Seed string for deterministic ids. Default 'rekey-demo'. */
  seedValue?: string;
  /** Base latency added to every Entra/Graph response. */
  latencyMs?: number;
  /** Token-bucket throttling per the documented identity limits. Default true. */
  throttling?: boolean;
  throttleLimits?: Partial<ThrottleLimits>;
  /**
   * Replication lag of Graph writes (sim/directory/replication.ts). Default: DEFAULT_REPLICATION
   * (on, 50–400 ms, seeded), also in the CLI and the test simulator; NO_REPLICATION_LAG turns it off.
   */
  replication?: Partial<ReplicationConfig>;
  /** Log one line per request to stdout. */
  log?: boolean;
  /**
   * Told of every request when its answer is sent (tests count what Rekey asks for: a `$batch`'s
   * items are in `body`).
   */
  onRequest?: (r: { method: string; path: string; status: number; body: string }) => void;
  /** National-cloud hosts the simulator impersonates (issuer/aud/@odata.context strings). */
  loginHost?: string;
  graphHost?: string;
  config?: Partial<Omit<SimConfig, 'loginHost' | 'graphHost'>>;
  /**
   * Redirect URIs registered on the demo management app (web platform), e.g. Rekey's
   * `<public URL>/auth/callback` and `<public URL>/tenants/consent-callback`. Once any is
   * registered, sign-in and admin consent accept exactly these (AADSTS50011 otherwise).
   */
  managementRedirectUris?: string[];
}

function loadOrCreateSigningKey(dir: string): SigningKey {
  const keyPath = path.join(dir, 'token-signing-key.pem');
  const certPath = path.join(dir, 'token-signing-cert.pem');
  if (!fs.existsSync(keyPath) || !fs.existsSync(certPath)) {
    const keyPair = generateRsaKeyPair(2048);
    const now = Date.now();
    const certPem = buildCertificate({
      subjectCn: 'accounts.accesscontrol.windows.net',
      keyPair,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 5 * 365 * 86_400_000),
    });
    const bundle = `${keyPair.privateKeyPem}${certPem}`;
    const tmp = `${keyPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, bundle, { mode: 0o600 });
    fs.writeFileSync(`${certPath}.${process.pid}.tmp`, certPem);
    fs.renameSync(`${certPath}.${process.pid}.tmp`, certPath);
    fs.renameSync(tmp, keyPath);
  }
  // The key file carries its certificate too, so key and cert always match even under concurrent creation.
  const bundle = fs.readFileSync(keyPath, 'utf8');
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(bundle)?.[0];
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(bundle)?.[0];
  if (!keyPem || !certPem) throw new Error(`corrupt token signing key at ${keyPath}`);
  const der = pemToDer(certPem);
  const privateKey = crypto.createPrivateKey(keyPem);
  return {
    kid: crypto.createHash('sha1').update(der).digest('base64url'),
    privateKey,
    publicKey: crypto.createPublicKey(privateKey),
    x5c: der.toString('base64'),
  };
}

function simConfig(loginHost: string, graphHost: string, overrides: StartSimulatorOptions['config']): SimConfig {
  return {
    loginHost,
    graphHost,
    accessTokenLifetimeSeconds: 3600,
    clockSkewSeconds: 300,
    proofAudiences: ['00000002-0000-0000-c000-000000000000', '00000003-0000-0000-c000-000000000000'],
    defaultPageSize: 100,
    signInThumbprintFormat: 'sha1-hex',
    ...overrides,
  };
}

function listen(server: https.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<SimHandle> {
  // Config and state.
  const dataDir = path.resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const tlsDir = path.resolve(opts.tlsDir ?? dataDir);
  const keysDir = path.resolve(opts.keysDir ?? path.join(dataDir, 'keys'));
  fs.mkdirSync(dataDir, { recursive: true });
  const loginHost = (opts.loginHost ?? 'login.microsoftonline.com').toLowerCase();
  const graphHost = (opts.graphHost ?? 'graph.microsoft.com').toLowerCase();
  const tls = ensureTlsMaterial(tlsDir, [loginHost, graphHost]);
  const signingKey = loadOrCreateSigningKey(tlsDir);
  const config = simConfig(loginHost, graphHost, opts.config);
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;
  let port = 0;
  const url = () => `https://localhost:${port}`;
  const seedMode = opts.seed ?? 'none';
  let tenantCount = opts.tenants ?? DEFAULT_TENANTS;

  // The context every handler gets.
  const directory = new Directory();
  const log = opts.log ? (m: string) => console.log(`[sim] ${m}`) : () => undefined;
  const ctx: SimContext = {
    directory,
    config,
    signingKey,
    throttler: new Throttler(opts.throttling ?? true, opts.throttleLimits),
    faults: new FaultInjector(now, Math.random, opts.latencyMs ?? 0),
    replication: new Replication({ ...DEFAULT_REPLICATION, ...opts.replication }, now),
    now,
    log,
  };
  const manifestPath = path.join(dataDir, 'fleet.json');
  const stateFile = path.join(dataDir, 'state.json');
  const store = opts.persist ? new StateStore(stateFile, directory) : null;
  const fleet = createSimFleet({
    directory,
    manifestPath,
    keysDir,
    caPemPath: tls.caPemPath,
    loginHost,
    graphHost,
    seedValue: opts.seedValue ?? 'rekey-demo',
    managementRedirectUris: opts.managementRedirectUris ?? [],
    url,
    now,
  });

  // Routing. The control API acts on the handle built below: it exists before the first request is
  // handled (it is built in the same turn as `listen` resolves).
  const server = https.createServer(
    { key: tls.serverKeyPem, cert: tls.serverCertPem, keepAliveTimeout: 30_000 },
    requestListener({
      ctx,
      port: () => port,
      control: (method, p, query, body) => handleControl(handle_, method, p, query, body),
      onRequest: opts.onRequest,
    }),
  );
  await listen(server, opts.port ?? DEFAULT_PORT);
  port = (server.address() as AddressInfo).port;

  // State: persisted, seeded or empty.
  const persisted = store && !opts.reset ? readStateFile(stateFile) : null;
  if (persisted) {
    loadDirectory(directory, persisted);
    fleet.adoptPersisted();
  } else if (seedMode === 'demo') {
    fleet.seed(tenantCount);
  }
  if (store) {
    directory.onChange = () => store.schedule();
    store.flush();
  }

  // Control and faults.
  const admin = createSimAdmin({
    ctx,
    advanceClock(ms) {
      clockOffset += ms;
    },
    seedDemo(tenants = tenantCount) {
      tenantCount = tenants;
      return fleet.seed(tenants);
    },
    flush() {
      store?.flush();
    },
  });
  const faults = createSimFaults(ctx.faults);

  const handle_: SimHandle = {
    get url() {
      return url();
    },
    port,
    caPemPath: tls.caPemPath,
    caPem: tls.caPem,
    dataDir,
    get manifest() {
      return fleet.manifest;
    },
    manifestPath,
    state: directory,
    context: ctx,
    admin,
    faults,
    reset() {
      ctx.faults.clear();
      ctx.throttler.reset();
      ctx.replication.clear();
      clockOffset = 0;
      if (seedMode === 'demo') fleet.seed(tenantCount);
      else {
        directory.clear();
        fleet.forget();
      }
    },
    async close() {
      store?.flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return handle_;
}
