/**
 * Where the contract suite runs: the in-process simulator (the default, in `npm test`) or a real
 * Microsoft Entra tenant (`REKEY_CONTRACT_TENANT`, see README "Contract tests").
 *
 * Both go through the same code: a `ContractTenant` makes every change through Microsoft Graph with
 * the contract client's own app-only token (creating, keying and deleting only its own test
 * applications) and gets tokens as those applications through MSAL, as Rekey does. The simulator
 * target adds only what a real tenant cannot give: a fresh tenant per test, and control of throttling
 * and licences (`sim`, null against a real tenant; those tests say why they are skipped there).
 *
 * Replication: a real tenant's lag is unknown, so every read that depends on an earlier write goes
 * through `eventually` — against the simulator it polls the same way, bounded by its (small) lag.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { acquireTokenAsApp, type CredentialCheck } from '@/lib/graph/acquire-token-as-app';
import { tenantRefOf, type TenantRef } from '@/lib/graph/graph-gateway';
import { createGraphEnvironment, type GraphEnvironment } from '@/lib/graph/graph-environment';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { parseEnv } from '@/lib/env';

// JSON bodies, checked field by field against the documented shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface GraphResult {
  status: number;
  headers: Headers;
  body: Json | null;
}

export interface TestCertificate {
  pem: string;
  keyPem: string;
}

export interface ContractApp {
  appId: string;
  /** The application object's id. */
  objectId: string;
  /** The service principal's object id (every test application gets one, so it can sign in). */
  spObjectId: string;
}

/** A name every test application starts with: cleanup after a crashed run can find them. */
export const TEST_APP_PREFIX = 'rekey-contract-';

/** One tenant the tests act in, through Graph only. */
export class ContractTenant {
  private readonly created: ContractApp[] = [];

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly env: GraphEnvironment,
    /** How long a read-after-write may take to show the write (and a new key to work). */
    readonly replicationTimeoutMs: number,
  ) {}

  /** Rekey's tenant reference, for calls into lib/graph. */
  get ref(): TenantRef {
    return tenantRefOf({ entraTenantId: this.id, displayName: this.name });
  }

  get gateway() {
    return this.env.gateway;
  }

  /** Entra's host (the simulator's URL, or the cloud's login host) and the resource tokens are for. */
  get authorityHost(): string {
    return this.env.authorityHost.replace(/\/+$/, '');
  }

  get graphResource(): string {
    return this.env.graphResource.replace(/\/+$/, '');
  }

  async graph(
    method: string,
    path: string,
    body?: unknown,
    opts: { version?: string; headers?: Record<string, string> } = {},
  ): Promise<GraphResult> {
    const token = await this.env.gateway.token(this.id);
    const res = await fetch(`${this.env.graphEndpoint.replace(/\/+$/, '')}/${opts.version ?? 'v1.0'}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...opts.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : null };
  }

  /** A token AS a test application with one of its certificates (MSAL, no cache), as Rekey's proofs get one. */
  tokenAs(app: ContractApp, cert: TestCertificate): Promise<CredentialCheck> {
    return acquireTokenAsApp({
      authorityHost: this.env.authorityHost,
      graphResource: this.env.graphResource,
      tenantId: this.id,
      clientId: app.appId,
      certificatePem: cert.pem,
      privateKeyPem: cert.keyPem,
    });
  }

  /**
   * Polls `read` until `done` holds (first try at once, then with a growing pause), or throws naming
   * `what` with the last value. For every read that depends on a write Entra replicates.
   */
  async eventually<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    const until = Date.now() + this.replicationTimeoutMs;
    let pause = 100;
    for (;;) {
      const v = await read();
      if (done(v)) return v;
      if (Date.now() > until)
        throw new Error(`${what}: not seen within ${this.replicationTimeoutMs / 1000} s (last: ${JSON.stringify(v)})`);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 5_000);
    }
  }

  /**
   * A test application and its service principal, created through Graph (so a real tenant's
   * contract client needs only Application.ReadWrite.OwnedBy: it owns what it creates), holding
   * `certificates`. Returns once the service principal exists (unless `servicePrincipal: false`);
   * keys may still be replicating.
   */
  async createApp(
    label: string,
    certificates: TestCertificate[] = [],
    opts: { servicePrincipal?: boolean } = {},
  ): Promise<ContractApp> {
    const displayName = `${TEST_APP_PREFIX}${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${crypto.randomUUID().slice(0, 8)}`;
    const app = await this.graph('POST', '/applications', {
      displayName,
      keyCredentials: certificates.map((c) => ({ type: 'AsymmetricX509Cert', usage: 'Verify', key: derOf(c.pem) })),
    });
    if (app.status !== 201) throw new Error(`POST /applications answered ${app.status}: ${JSON.stringify(app.body)}`);
    const made = { appId: app.body!.appId as string, objectId: app.body!.id as string, spObjectId: '' };
    this.created.push(made);
    if (opts.servicePrincipal === false) return made;
    // A service principal right after its application may be refused until the application has
    // replicated (400); that is one of the behaviours the suite checks, here it is only waited out.
    const sp = await this.eventually(
      `the service principal of ${displayName}`,
      () => this.graph('POST', '/servicePrincipals', { appId: made.appId }),
      (r) => r.status === 201,
    );
    made.spObjectId = sp.body!.id as string;
    return made;
  }

  /** Deletes every application this tenant object created (its service principal goes with it). */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    for (const a of this.created.splice(0)) {
      const del = await this.graph('DELETE', `/applications/${a.objectId}`).catch((e: unknown) => e as Error);
      if (del instanceof Error || (del.status !== 204 && del.status !== 404)) {
        problems.push(
          `application ${a.appId}: ${del instanceof Error ? del.message : `DELETE answered ${del.status}`}`,
        );
        continue;
      }
      // Out of the recycle bin too, so nothing is left to restore (needs the same permission).
      await this.graph('DELETE', `/directory/deletedItems/${a.objectId}`).catch(() => undefined);
    }
    return problems;
  }
}

export interface ContractTarget {
  kind: 'simulator' | 'tenant';
  /** The simulator, for the tests only it can run (forcing throttling, a tenant without a permission); null against a real tenant. */
  sim: GraphSim | null;
  /** A tenant for one test: a fresh one in the simulator, the configured one in a real directory. */
  tenant(name: string, opts?: { premium?: boolean; roles?: string[] }): ContractTenant;
  /** True when sign-in log tests run (a real tenant needs `REKEY_CONTRACT_SIGNIN_LOGS=1`: P1/P2 and minutes of latency). */
  signInLogs: boolean;
  close(): Promise<void>;
}

export const derOf = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');

/** The target from the environment. Against a real tenant, refuses to start unless every setting is there and confirmed. */
export async function openContractTarget(): Promise<ContractTarget> {
  const tenantId = process.env.REKEY_CONTRACT_TENANT;
  if (tenantId) return openTenantTarget(tenantId);
  const gs = await startGraphSim();
  const tenants: ContractTenant[] = [];
  return {
    kind: 'simulator',
    sim: gs,
    signInLogs: true,
    tenant(name, opts = {}) {
      const t = gs.makeTenant({ name, premium: opts.premium ?? true, roles: opts.roles });
      // The simulator's lags are at most DEFAULT_REPLICATION.maxLagMs; 20 s leaves room for a loaded machine.
      const ct = new ContractTenant(t.id, t.name, gs.graph, 20_000);
      tenants.push(ct);
      return ct;
    },
    async close() {
      for (const t of tenants) await t.cleanup();
      await gs.close();
    },
  };
}

function openTenantTarget(tenantId: string): ContractTarget {
  const missing = ['REKEY_CONTRACT_CLIENT_ID', 'REKEY_CONTRACT_CERT_PATH', 'REKEY_CONTRACT_KEY_PATH'].filter(
    (k) => !process.env[k],
  );
  if (missing.length)
    throw new Error(
      `REKEY_CONTRACT_TENANT is set: also set ${missing.join(', ')} (the contract client's app id, certificate and private key; README "Contract tests").`,
    );
  const warning =
    `The contract suite will run against the real tenant ${tenantId}: it creates applications named ` +
    `${TEST_APP_PREFIX}* with test certificates, signs in as them, adds and removes their secrets and ` +
    `federated credentials, and deletes them (also from deleted items) when it ends.`;
  if (process.env.REKEY_CONTRACT_CONFIRM !== tenantId)
    throw new Error(`${warning} To go ahead, set REKEY_CONTRACT_CONFIRM=${tenantId}.`);
  process.stderr.write(`\n⚠ ${warning}\n\n`);
  // The same cloud settings as Rekey's (REKEY_CLOUD, REKEY_AUTHORITY_HOST, REKEY_GRAPH_ENDPOINT, REKEY_GRAPH_RESOURCE).
  const cloud = parseEnv(process.env);
  const env = createGraphEnvironment({
    clientId: process.env.REKEY_CONTRACT_CLIENT_ID!,
    certificatePem: fs.readFileSync(process.env.REKEY_CONTRACT_CERT_PATH!, 'utf8'),
    privateKeyPem: fs.readFileSync(process.env.REKEY_CONTRACT_KEY_PATH!, 'utf8'),
    authorityHost: cloud.authorityHost,
    graphEndpoint: cloud.graphEndpoint,
    graphResource: cloud.graphResource,
  });
  const one = new ContractTenant(
    tenantId,
    'contract tenant',
    env,
    Number(process.env.REKEY_CONTRACT_REPLICATION_TIMEOUT_S ?? 300) * 1000,
  );
  return {
    kind: 'tenant',
    sim: null,
    signInLogs: process.env.REKEY_CONTRACT_SIGNIN_LOGS === '1',
    tenant: () => one,
    async close() {
      const problems = await one.cleanup();
      if (problems.length)
        process.stderr.write(
          `\n⚠ The contract suite could not delete everything it created in ${tenantId}; delete these by hand:\n  ${problems.join('\n  ')}\n`,
        );
    },
  };
}
