// The Microsoft 365 simulator: one HTTPS server for Entra ID (token, OIDC, JWKS, authorize) and
// Microsoft Graph (/v1.0, /beta), plus a control API under /_sim/. See sim/README.md.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureTlsMaterial } from './crypto/ca';
import { buildCertificate, generateRsaKeyPair, pemToDer } from './crypto/x509';
import {
  Directory,
  newGuid,
  type ApplicationRecord,
  type AppRoleAssignmentRecord,
  type CreateApplicationInput,
  type CreateTenantInput,
  type FederatedIdentityCredentialRecord,
  type KeyCredentialRecord,
  type ServicePrincipalRecord,
  type SignInRecord,
  type TenantAppManagementPolicy,
  type TenantRecord,
  type UserRecord,
} from './directory/directory';
import { Replication, type ReplicationConfig } from './directory/replication';
import { MICROSOFT_GRAPH_APP_ID } from './directory/well-known';
import { AadError, aadErrorResult, type HttpResult } from './entra/aad-error';
import { handleAdminConsent } from './entra/admin-consent';
import { handleAuthorize, handleLogout } from './entra/authorize';
import { instanceDiscovery, jwks, openIdConfiguration } from './entra/oidc';
import { handleTokenRequest } from './entra/token-endpoint';
import { FaultInjector, type FaultState, type FaultTarget } from './faults/fault-injector';
import { GRAPH_JSON, GraphError, graphErrorResult, newRequestId, type GraphRequest } from './graph/graph-http';
import { plantFederatedCredential } from './graph/federated-credentials';
import { handleGraph } from './graph/graph-router';
import { plantPasswordCredential } from './graph/password-credentials';
import { loadDirectory, readStateFile, StateStore } from './persist/state-store';
import type { FleetManifest } from './seed/fleet-manifest';
import { seedDemoFleet } from './seed/demo-fleet';
import type { SigningKey, SimConfig, SimContext } from './sim-context';
import { Throttler, type ThrottleLimits } from './throttle/throttler';
import { handleControl } from './control/control-api';

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

export interface SimAdmin {
  getTenant(idOrDomain: string): TenantRecord;
  createTenant(input: CreateTenantInput): TenantRecord;
  createApplication(tenantId: string, input: CreateApplicationInput): ApplicationRecord;
  addServicePrincipal(tenantId: string, appId: string): ServicePrincipalRecord;
  /** Admin consent: app role assignments from the app's SP in `tenantId` to the resource's SP. */
  grantAppRoles(tenantId: string, appId: string, roles: string[], resourceAppId?: string): AppRoleAssignmentRecord[];
  /** Revoke consent: delete the app's SP in the tenant (default) or only its app role assignments. */
  revokeConsent(tenantId: string, appId: string, mode?: 'delete-service-principal' | 'remove-app-roles'): void;
  setPremium(tenantId: string, premium: boolean): void;
  /**
   * An app's service principal in a tenant: `accountEnabled: false` disables it (token requests get
   * AADSTS7000112); `conditionalAccessBlock: '<policy name>'` makes a Conditional Access policy for
   * workload identities block its token requests (AADSTS53003), `null` lifts it.
   */
  setServicePrincipalState(
    tenantId: string,
    appId: string,
    state: { accountEnabled?: boolean; conditionalAccessBlock?: string | null },
  ): void;
  setAppManagementPolicy(tenantId: string, policy: Partial<TenantAppManagementPolicy>): void;
  /** Adds a certificate credential without Graph's validation (e.g. an expired or future one). */
  addKeyCredentialDirect(
    tenantId: string,
    input: {
      appId: string;
      target?: 'application' | 'servicePrincipal';
      certificate: string | Buffer;
      startDateTime?: string;
      endDateTime?: string;
      keyId?: string;
      displayName?: string;
    },
  ): KeyCredentialRecord;
  removeKeyCredentialDirect(tenantId: string, appId: string, keyId: string): void;
  /** A client secret added behind Rekey's back (no lag); the secret text is returned here only. */
  addPasswordCredentialDirect(
    tenantId: string,
    input: {
      appId: string;
      target?: 'application' | 'servicePrincipal';
      displayName?: string;
      startDateTime?: string;
      endDateTime?: string;
    },
  ): { keyId: string; hint: string | null; secretText: string; startDateTime: string; endDateTime: string };
  /** Removes a client secret directly (test clean-up); false when it was not there. */
  removePasswordCredentialDirect(
    tenantId: string,
    input: { appId: string; keyId: string; target?: 'application' | 'servicePrincipal' },
  ): boolean;
  /** A federated identity credential added behind Rekey's back (no lag; Graph's limits apply). */
  addFederatedCredentialDirect(
    tenantId: string,
    input: { appId: string; name: string; issuer: string; subject: string; audiences?: string[]; description?: string },
  ): FederatedIdentityCredentialRecord;
  /** `directoryRoles` (role template ids, sim/directory/directory-roles.ts) with Global Administrator's makes the user able to grant admin consent. */
  addUser(
    tenantId: string,
    input: { userPrincipalName: string; displayName: string; id?: string; directoryRoles?: string[] },
  ): UserRecord;
  /** Newest first. */
  listSignIns(tenantId: string, filter?: { appId?: string; servicePrincipalOnly?: boolean }): SignInRecord[];
  /** Shift the simulator's clock (token lifetimes, credential validity, sign-in times). */
  advanceClock(ms: number): void;
  setThrottling(enabled: boolean, limits?: Partial<ThrottleLimits>): void;
  /** Turn the replication lag model on/off or change its lags and seed (clears pending replication). */
  setReplication(config: Partial<ReplicationConfig>): void;
  /** Reseed the demo fleet with another size; rewrites fleet.json. */
  seedDemo(tenants?: number): FleetManifest;
  flush(): void;
}

export interface SimFaults {
  failNext(count: number, status: number, opts?: { retryAfterSeconds?: number | null; target?: FaultTarget }): void;
  failFraction(fraction: number, status: number, retryAfterSeconds?: number | null, target?: FaultTarget): void;
  latency(ms: number, jitterMs?: number): void;
  tokenEndpointDown(seconds: number): void;
  dropConnections(fraction: number, target?: FaultTarget): void;
  clear(): void;
  state(): FaultState;
}

export interface SimHandle {
  /** https://localhost:PORT */
  url: string;
  port: number;
  caPemPath: string;
  caPem: string;
  dataDir: string;
  manifest: FleetManifest | null;
  manifestPath: string;
  state: Directory;
  context: SimContext;
  admin: SimAdmin;
  faults: SimFaults;
  /** Clears state, faults and throttling buckets; reseeds when started with seed 'demo'. */
  reset(): void;
  close(): Promise<void>;
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

function clientIp(req: IncomingMessage): string {
  const sim = req.headers['x-sim-client-ip'];
  if (typeof sim === 'string' && sim) return sim.trim();
  const fwd = req.headers['x-forwarded-for'];
  if (typeof fwd === 'string' && fwd) return fwd.split(',')[0]!.trim();
  const addr = req.socket.remoteAddress ?? '127.0.0.1';
  return addr === '::1' || addr === '::ffff:127.0.0.1' ? '127.0.0.1' : addr.replace(/^::ffff:/, '');
}

function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('payload too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: HttpResult, defaults: Record<string, string>): void {
  if (res.writableEnded || res.destroyed) return;
  const headers: Record<string, string> = { ...defaults };
  for (const [k, v] of Object.entries(result.headers)) headers[k.toLowerCase()] = v;
  let payload: string | undefined;
  if (result.body === undefined || result.body === '') {
    payload = undefined;
    if (result.status === 204) delete headers['content-type'];
  } else if (typeof result.body === 'string') {
    payload = result.body;
    headers['content-type'] = result.contentType ?? 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(result.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(result.status, headers);
  res.end(payload);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const GRAPH_FAULT_CODES: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'generalException',
  502: 'badGateway',
  503: 'serviceNotAvailable',
  504: 'gatewayTimeout',
};

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<SimHandle> {
  const dataDir = path.resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const tlsDir = path.resolve(opts.tlsDir ?? dataDir);
  const keysDir = path.resolve(opts.keysDir ?? path.join(dataDir, 'keys'));
  fs.mkdirSync(dataDir, { recursive: true });
  const loginHost = (opts.loginHost ?? 'login.microsoftonline.com').toLowerCase();
  const graphHost = (opts.graphHost ?? 'graph.microsoft.com').toLowerCase();
  const tls = ensureTlsMaterial(tlsDir, [loginHost, graphHost]);
  const signingKey = loadOrCreateSigningKey(tlsDir);
  const config: SimConfig = {
    loginHost,
    graphHost,
    accessTokenLifetimeSeconds: 3600,
    clockSkewSeconds: 300,
    proofAudiences: ['00000002-0000-0000-c000-000000000000', '00000003-0000-0000-c000-000000000000'],
    defaultPageSize: 100,
    signInThumbprintFormat: 'sha1-hex',
    ...opts.config,
  };
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;
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
  let manifest: FleetManifest | null = null;
  let port = 0;
  const seedMode = opts.seed ?? 'none';
  let tenantCount = opts.tenants ?? DEFAULT_TENANTS;
  const url = () => `https://localhost:${port}`;

  const writeManifest = (m: FleetManifest) => {
    const tmp = `${manifestPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(m, null, 2));
    fs.renameSync(tmp, manifestPath);
  };
  const seedNow = (tenants: number): FleetManifest => {
    directory.clear();
    const m = seedDemoFleet(directory, {
      tenants,
      seed: opts.seedValue ?? 'rekey-demo',
      keysDir,
      simUrl: url(),
      caPemPath: tls.caPemPath,
      loginHost,
      graphHost,
      now: now(),
    });
    manifest = m;
    writeManifest(m);
    registerRedirectUris();
    return m;
  };
  function registerRedirectUris(): void {
    const uris = opts.managementRedirectUris ?? [];
    const appId = manifest?.managementApp.appId;
    const app = appId ? directory.appsByAppId.get(appId) : undefined;
    if (!app || uris.length === 0) return;
    app.web.redirectUris = [...uris];
    for (const t of directory.tenants.values()) {
      const sp = t.spsByAppId.get(app.appId);
      if (sp) sp.replyUrls = app.web.redirectUris;
    }
    directory.touch();
  }

  const server = https.createServer(
    { key: tls.serverKeyPem, cert: tls.serverCertPem, keepAliveTimeout: 30_000 },
    (req, res) => {
      void handle(req, res).catch((err: unknown) => {
        log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        send(
          res,
          {
            status: 500,
            headers: {},
            body: { error: { code: 'InternalServerError', message: 'The simulator failed to handle the request.' } },
          },
          {},
        );
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const origin = `https://${req.headers.host ?? `localhost:${port}`}`;
    const u = new URL(req.url ?? '/', origin);
    const p = u.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    res.on('finish', () => {
      log(`${method} ${p} -> ${res.statusCode} (${Date.now() - started} ms)`);
      opts.onRequest?.({ method, path: u.pathname + u.search, status: res.statusCode, body: body.toString('utf8') });
    });

    if (p.startsWith('/_sim/') || p === '/_sim') {
      send(res, await handleControl(handle_, method, p, u.searchParams, body), {});
      return;
    }
    const graphMatch = /^\/(v1\.0|beta)(\/.*)?$/i.exec(p);
    const tokenMatch = /^\/([^/]+)\/oauth2\/(?:v2\.0\/)?token$/i.exec(p);
    if (graphMatch || tokenMatch) {
      const kind = graphMatch ? 'graph' : 'token';
      const decision = ctx.faults.decide(kind);
      if (decision.drop) {
        req.socket.destroy();
        return;
      }
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      const requestId = newRequestId();
      const clientRequestId =
        (req.headers['client-request-id'] as string | undefined) ?? u.searchParams.get('client-request-id');
      if (decision.tokenDownSeconds !== null) {
        const r = aadErrorResult(
          new AadError(503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
          now(),
          clientRequestId,
        );
        r.headers['retry-after'] = String(Math.max(1, Math.ceil(decision.tokenDownSeconds)));
        send(res, r, {});
        return;
      }
      if (decision.fail) {
        const { status, retryAfterSeconds } = decision.fail;
        let r: HttpResult;
        if (kind === 'graph') {
          r = graphErrorResult(
            new GraphError(
              status,
              GRAPH_FAULT_CODES[status] ?? 'UnknownError',
              status === 429 ? 'Please retry again later.' : 'Injected fault.',
            ),
            { requestId, clientRequestId },
            now(),
          );
        } else {
          r = aadErrorResult(
            new AadError(
              status,
              status >= 500 || status === 429 ? 'temporarily_unavailable' : 'invalid_request',
              90033,
              'A transient error has occurred. Please try again.',
            ),
            now(),
            clientRequestId,
          );
        }
        if (retryAfterSeconds !== null) r.headers['retry-after'] = String(retryAfterSeconds);
        send(res, r, { 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId });
        return;
      }
      if (graphMatch) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
        const graphReq: GraphRequest = {
          method,
          version: graphMatch[1]!.toLowerCase() === 'beta' ? 'beta' : 'v1.0',
          path: graphMatch[2] ?? '/',
          query: u.searchParams,
          headers,
          body: undefined,
          origin,
          requestId,
          clientRequestId: clientRequestId ?? null,
          inBatch: false,
        };
        const defaults = {
          'content-type': GRAPH_JSON,
          'odata-version': '4.0',
          'request-id': requestId,
          'client-request-id': clientRequestId ?? requestId,
          'cache-control': 'no-cache',
          'strict-transport-security': 'max-age=31536000',
          'x-ms-ags-diagnostic': JSON.stringify({
            ServerInfo: { DataCenter: 'Simulator', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'SIM' },
          }),
        };
        if (body.length > 0) {
          try {
            graphReq.body = JSON.parse(body.toString('utf8'));
          } catch {
            send(
              res,
              graphErrorResult(
                new GraphError(
                  400,
                  'BadRequest',
                  'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
                ),
                graphReq,
                now(),
              ),
              defaults,
            );
            return;
          }
        }
        send(res, await handleGraph(ctx, graphReq), defaults);
        return;
      }
      if (method !== 'POST') {
        send(
          res,
          aadErrorResult(
            new AadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.'),
            now(),
            clientRequestId,
          ),
          {},
        );
        return;
      }
      const form = new URLSearchParams(body.toString('utf8'));
      const result = handleTokenRequest(ctx, form, {
        origin,
        tenantSegment: tokenMatch![1]!,
        clientIp: clientIp(req),
        userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
        correlationId: clientRequestId ?? null,
      });
      send(res, result, { 'client-request-id': clientRequestId ?? '' });
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/([^/]+)\/(?:v2\.0\/)?\.well-known\/openid-configuration$/i.exec(p))) {
      send(res, openIdConfiguration(ctx, origin, m[1]!), {});
      return;
    }
    if (/^\/[^/]+\/discovery\/(?:v2\.0\/)?keys$/i.test(p)) {
      send(res, jwks(ctx), {});
      return;
    }
    if (/^\/[^/]+\/discovery\/instance$/i.test(p)) {
      send(res, instanceDiscovery(origin, u.searchParams.get('authorization_endpoint')), {});
      return;
    }
    if ((m = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/i.exec(p))) {
      const params = new URLSearchParams(u.searchParams);
      let picked: string | null = null;
      if (method === 'POST') {
        const form = new URLSearchParams(body.toString('utf8'));
        for (const [k, v] of form) if (k !== 'user') params.set(k, v);
        picked = form.get('user');
      }
      send(res, handleAuthorize(ctx, m[1]!, params, picked), {});
      return;
    }
    if ((m = /^\/([^/]+)\/(v2\.0\/)?adminconsent$/i.exec(p))) {
      const form = method === 'POST' ? new URLSearchParams(body.toString('utf8')) : null;
      const params = new URLSearchParams(u.searchParams);
      if (form) for (const [k, v] of form) if (k !== 'user' && k !== 'decision') params.set(k, v);
      send(res, handleAdminConsent(ctx, m[1]!, m[2] ? 'v2' : 'v1', params, form), {});
      return;
    }
    if (/^\/[^/]+\/oauth2\/v2\.0\/logout$/i.test(p)) {
      send(res, handleLogout(u.searchParams), {});
      return;
    }
    if (p === '/favicon.ico') {
      // Browsers ask for it on the sign-in page; answer quietly instead of a 404.
      res.writeHead(204).end();
      return;
    }
    if (p === '/' || p === '') {
      send(
        res,
        {
          status: 200,
          headers: {},
          body: { name: 'Rekey Microsoft 365 simulator', tenants: directory.tenants.size, docs: 'sim/README.md' },
        },
        {},
      );
      return;
    }
    send(
      res,
      {
        status: 404,
        headers: {},
        body: { error: { code: 'NotFound', message: `No simulator route for ${method} ${p}` } },
      },
      {},
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  // State: persisted, seeded or empty.
  const persisted = store && !opts.reset ? readStateFile(stateFile) : null;
  if (persisted) {
    loadDirectory(directory, persisted);
    if (fs.existsSync(manifestPath)) {
      manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as FleetManifest;
      if (manifest.simUrl !== url()) {
        manifest.simUrl = url();
        writeManifest(manifest);
      }
    }
    registerRedirectUris();
  } else if (seedMode === 'demo') {
    seedNow(tenantCount);
  }
  if (store) {
    directory.onChange = () => store.schedule();
    store.flush();
  }

  const tenantOf = (id: string): TenantRecord => {
    const t = directory.findTenant(id);
    if (!t) throw new Error(`unknown tenant ${id}`);
    return t;
  };
  const admin: SimAdmin = {
    getTenant: tenantOf,
    createTenant: (input) => directory.createTenant(input),
    createApplication: (tenantId, input) => directory.createApplication(tenantOf(tenantId), input),
    addServicePrincipal: (tenantId, appId) => directory.createServicePrincipal(tenantOf(tenantId), appId),
    grantAppRoles(tenantId, appId, roles, resourceAppId = MICROSOFT_GRAPH_APP_ID) {
      const tenant = tenantOf(tenantId);
      const sp = tenant.spsByAppId.get(appId.toLowerCase()) ?? directory.createServicePrincipal(tenant, appId);
      const resource = tenant.spsByAppId.get(resourceAppId);
      if (!resource) throw new Error(`no resource service principal ${resourceAppId} in ${tenantId}`);
      return roles.map((value) => {
        const role = resource.appRoles.find((r) => r.value === value);
        if (!role) throw new Error(`unknown app role ${value} on ${resource.displayName}`);
        return directory.grantAppRole(tenant, sp, resource, role.id);
      });
    },
    revokeConsent(tenantId, appId, mode = 'delete-service-principal') {
      const tenant = tenantOf(tenantId);
      const sp = tenant.spsByAppId.get(appId.toLowerCase());
      if (!sp) return;
      if (mode === 'delete-service-principal') directory.deleteServicePrincipal(tenant, sp.id);
      else {
        for (const [id, a] of tenant.assignments) if (a.principalId === sp.id) tenant.assignments.delete(id);
        directory.touch();
      }
    },
    setPremium(tenantId, premium) {
      tenantOf(tenantId).premium = premium;
      directory.touch();
    },
    setServicePrincipalState(tenantId, appId, state) {
      const sp = tenantOf(tenantId).spsByAppId.get(appId.toLowerCase());
      if (!sp) throw new Error(`no service principal for ${appId} in ${tenantId}`);
      if (state.accountEnabled !== undefined) sp.accountEnabled = state.accountEnabled;
      if (state.conditionalAccessBlock !== undefined) sp.simConditionalAccessBlock = state.conditionalAccessBlock;
      directory.touch();
    },
    setAppManagementPolicy(tenantId, policy) {
      const t = tenantOf(tenantId);
      t.policy = { ...t.policy, ...policy };
      directory.touch();
    },
    addKeyCredentialDirect(tenantId, input) {
      const tenant = tenantOf(tenantId);
      const appId = input.appId.toLowerCase();
      const target =
        input.target === 'servicePrincipal'
          ? tenant.spsByAppId.get(appId)
          : (tenant.appsByAppId.get(appId) ?? directory.appsByAppId.get(appId));
      if (!target) throw new Error(`no ${input.target ?? 'application'} ${input.appId} in ${tenantId}`);
      const der = Buffer.isBuffer(input.certificate)
        ? input.certificate
        : input.certificate.includes('BEGIN CERTIFICATE')
          ? pemToDer(input.certificate)
          : Buffer.from(input.certificate, 'base64');
      const x = new crypto.X509Certificate(der);
      const cred: KeyCredentialRecord = {
        keyId: input.keyId ?? newGuid(),
        customKeyIdentifier: crypto.createHash('sha1').update(der).digest(),
        displayName:
          input.displayName ??
          `CN=${
            x.subject
              .split('\n')
              .find((l) => l.startsWith('CN='))
              ?.slice(3) ?? 'certificate'
          }`,
        startDateTime: input.startDateTime ?? new Date(x.validFrom).toISOString(),
        endDateTime: input.endDateTime ?? new Date(x.validTo).toISOString(),
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        key: der,
      };
      target.keyCredentials = [...target.keyCredentials, cred];
      directory.touch();
      return cred;
    },
    removeKeyCredentialDirect(tenantId, appId, keyId) {
      const tenant = tenantOf(tenantId);
      for (const o of [tenant.appsByAppId.get(appId.toLowerCase()), tenant.spsByAppId.get(appId.toLowerCase())]) {
        if (o) o.keyCredentials = o.keyCredentials.filter((c) => c.keyId !== keyId);
      }
      directory.touch();
    },
    addPasswordCredentialDirect(tenantId, input) {
      const { record, secretText } = plantPasswordCredential(tenantOf(tenantId), input, now());
      directory.touch();
      const { keyId, hint, startDateTime, endDateTime } = record;
      return { keyId, hint, secretText, startDateTime, endDateTime };
    },
    removePasswordCredentialDirect(tenantId, input) {
      const tenant = tenantOf(tenantId);
      const appId = input.appId.toLowerCase();
      const rec = input.target === 'servicePrincipal' ? tenant.spsByAppId.get(appId) : tenant.appsByAppId.get(appId);
      if (!rec || !rec.passwordCredentials.some((p) => p.keyId === input.keyId)) return false;
      rec.passwordCredentials = rec.passwordCredentials.filter((p) => p.keyId !== input.keyId);
      directory.touch();
      return true;
    },
    addFederatedCredentialDirect(tenantId, input) {
      const created = plantFederatedCredential(tenantOf(tenantId), input);
      directory.touch();
      return created;
    },
    addUser: (tenantId, input) => directory.addUser(tenantOf(tenantId), input),
    listSignIns(tenantId, filter = {}) {
      const out = tenantOf(tenantId).signIns.filter(
        (s) =>
          (!filter.appId || s.appId === filter.appId.toLowerCase()) &&
          (!filter.servicePrincipalOnly || s.signInEventTypes.includes('servicePrincipal')),
      );
      return out.reverse();
    },
    advanceClock(ms) {
      clockOffset += ms;
    },
    setThrottling(enabled, limits) {
      ctx.throttler.configure(enabled, limits);
    },
    setReplication(config) {
      ctx.replication.configure(config);
      ctx.replication.clear();
    },
    seedDemo(tenants = tenantCount) {
      tenantCount = tenants;
      return seedNow(tenants);
    },
    flush() {
      store?.flush();
    },
  };
  const faults: SimFaults = {
    failNext: (count, status, o) => ctx.faults.failNext(count, status, o),
    failFraction: (fraction, status, retryAfterSeconds, target) =>
      ctx.faults.failFraction(fraction, status, retryAfterSeconds ?? 1, target),
    latency: (ms, jitter) => ctx.faults.latency(ms, jitter),
    tokenEndpointDown: (seconds) => ctx.faults.tokenEndpointDown(seconds),
    dropConnections: (fraction, target) => ctx.faults.dropConnections(fraction, target),
    clear: () => ctx.faults.clear(),
    state: () => ctx.faults.state,
  };

  const handle_: SimHandle = {
    get url() {
      return url();
    },
    port,
    caPemPath: tls.caPemPath,
    caPem: tls.caPem,
    dataDir,
    get manifest() {
      return manifest;
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
      if (seedMode === 'demo') seedNow(tenantCount);
      else {
        directory.clear();
        manifest = null;
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
