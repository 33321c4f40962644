/**
 * The reliability suite's world: an in-process simulator (documented throttling on) holding N
 * tenants with one connector app each, a Rekey database mirroring them (old certificate current,
 * a replacement certificate with its private key sealed), a real `rekey worker` child process
 * that can be SIGKILLed and restarted, and invariant checks read straight from the simulator's
 * state. Sizes come from REKEY_CHAOS_SIZE (`ci`, the default, or `full`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { db } from '@/lib/db';
import { afterAll, beforeAll } from 'vitest';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { closeLeasePool } from '@/lib/rotation/rotation-lease';
import { buildCert, type BuiltCert } from '@/lib/testing/certs';
import { masterKeyFromBytes } from '@/lib/vault/master-key';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import { storeCertificate } from '@/lib/testing/store-certificate';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CHAOS_SIZE = process.env.REKEY_CHAOS_SIZE === 'full' ? 'full' : 'ci';

export interface ChaosSizes {
  stormConnectors: number;
  tokenOutageSeconds: number;
  killConnectors: number;
  kills: number;
  overlapConnectors: number;
}

export const SIZES: Record<'ci' | 'full', ChaosSizes> = {
  ci: { stormConnectors: 60, tokenOutageSeconds: 10, killConnectors: 40, kills: 5, overlapConnectors: 30 },
  full: { stormConnectors: 300, tokenOutageSeconds: 30, killConnectors: 300, kills: 20, overlapConnectors: 120 },
};
export const SIZE = SIZES[CHAOS_SIZE];

export const MASTER_KEY = masterKeyFromBytes(randomBytes(32));
const REGIONS = ['EU', 'US', 'UK', 'APAC'] as const;

/** A small seeded PRNG (mulberry32): kill moments are random but reproducible from the printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sha1Cache = new WeakMap<Buffer, string>();
const sha1 = (der: Buffer) => {
  let h = sha1Cache.get(der);
  if (!h) sha1Cache.set(der, (h = createHash('sha1').update(der).digest('hex').toUpperCase()));
  return h;
};

async function insertCertificate(built: BuiltCert, withKey: boolean) {
  return storeCertificate(db, built.der, withKey ? { privateKeyPem: built.keyPem, masterKey: MASTER_KEY } : {});
}

let slot = 700;

/** A certificate pair: the one the fleet holds now and its replacement (both keys held by Rekey). */
export async function makeCertificates(label: string) {
  const now = Date.now();
  const oldBuilt = buildCert({
    subject: `CN=${label} current, O=Rekey Chaos`,
    notBefore: new Date(now - 30 * 86_400_000),
    notAfter: new Date(now + 60 * 86_400_000),
    slot: slot++,
  });
  const newBuilt = buildCert({
    subject: `CN=${label} replacement, O=Rekey Chaos`,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 300 * 86_400_000),
    slot: slot++,
  });
  const oldCert = await insertCertificate(oldBuilt, true);
  const newCert = await insertCertificate(newBuilt, true);
  return { oldBuilt, newBuilt, oldCert, newCert, oldSha1: sha1(oldBuilt.der), newSha1: sha1(newBuilt.der) };
}
export type CertificatePair = Awaited<ReturnType<typeof makeCertificates>>;

export interface FleetConnector {
  connectorId: string;
  simTenantId: string;
  appId: string;
}

/** N tenants × 1 connector, in the simulator and in Rekey's database (regions round-robin). */
export async function makeFleet(
  gs: GraphSim,
  n: number,
  certs: CertificatePair,
  label: string,
): Promise<FleetConnector[]> {
  // Discovery finds the fleet's apps by name (the truth checker scans at the end).
  const type = await db.connectorType.upsert({
    where: { name: 'Chaos Connect' },
    update: {},
    create: { name: 'Chaos Connect', displayNamePattern: '* sync *' },
  });
  const out: FleetConnector[] = [];
  const tenantRows: {
    id: string;
    entraTenantId: string;
    displayName: string;
    defaultDomain: string;
    region: string;
  }[] = [];
  const connectorRows: {
    id: string;
    tenantId: string;
    connectorTypeId: string;
    displayName: string;
    appId: string;
    appObjectId: string;
    spObjectId: string;
    currentCertificateId: string;
  }[] = [];
  for (let i = 0; i < n; i++) {
    const t = gs.makeTenant({ name: `${label} ${String(i).padStart(4, '0')}` });
    const c = gs.makeConnector(t.id, { displayName: `${label} sync ${i}`, certificates: [certs.oldBuilt.pem] });
    const tenantId = randomUUID();
    const connectorId = randomUUID();
    tenantRows.push({
      id: tenantId,
      entraTenantId: t.id,
      displayName: t.name,
      defaultDomain: t.domain,
      region: REGIONS[i % REGIONS.length]!,
    });
    connectorRows.push({
      id: connectorId,
      tenantId,
      connectorTypeId: type.id,
      displayName: `${label} sync ${i}`,
      appId: c.appId,
      appObjectId: c.appObjectId,
      spObjectId: c.spObjectId,
      currentCertificateId: certs.oldCert.id,
    });
    out.push({ connectorId, simTenantId: t.id, appId: c.appId });
  }
  await db.tenant.createMany({ data: tenantRows });
  await db.connector.createMany({ data: connectorRows });
  return out;
}

interface SimKey {
  key: Buffer | null;
  startDateTime: string;
  endDateTime: string;
}

function keysOf(gs: GraphSim, c: FleetConnector): { app: SimKey[]; sp: SimKey[] } {
  const tenant = gs.sim.admin.getTenant(c.simTenantId);
  return {
    app: tenant.appsByAppId.get(c.appId)?.keyCredentials ?? [],
    sp: tenant.spsByAppId.get(c.appId)?.keyCredentials ?? [],
  };
}

const certValidity = new WeakMap<Buffer, { from: number; to: number } | null>();

function isValid(k: SimKey, nowMs: number): boolean {
  if (!k.key) return false;
  if (Date.parse(k.startDateTime) > nowMs || Date.parse(k.endDateTime) <= nowMs) return false;
  let v = certValidity.get(k.key);
  if (v === undefined) {
    try {
      const x = new X509Certificate(k.key);
      v = { from: Date.parse(x.validFrom), to: Date.parse(x.validTo) };
    } catch {
      v = null;
    }
    certValidity.set(k.key, v);
  }
  return v !== null && v.from <= nowMs && nowMs < v.to;
}

/** Step outcomes of a campaign's rotations: transient failures by code, and the slowest steps. */
export async function stepSummary(campaignId: string): Promise<string> {
  const rows = await db.$queryRaw<{ step: string; outcome: string; code: string | null; n: number; ms: number }[]>`
    SELECT s.step, s.outcome, s.detail->>'code' AS code, count(*)::int AS n, round(avg(s."durationMs"))::int AS ms
    FROM "RotationStep" s JOIN "Rotation" r ON r.id = s."rotationId" WHERE r."campaignId" = ${campaignId}::uuid
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  return rows.map((r) => `${r.step}/${r.outcome}${r.code ? `/${r.code}` : ''}: ${r.n} (avg ${r.ms} ms)`).join('; ');
}

export interface FinalCheck {
  /** Connectors whose app does not hold exactly one credential, the new one. */
  notExactlyNew: string[];
  /** Connectors holding some certificate more than once (app or SP). */
  duplicates: string[];
  /** Connectors without a currently valid credential. */
  withoutValid: string[];
  /** Connectors whose SP still holds the old certificate. */
  oldOnSp: string[];
}

/** The end state, read from the simulator: every connector app holds exactly the new, valid credential. */
export function checkFinal(
  gs: GraphSim,
  fleet: FleetConnector[],
  certs: Pick<CertificatePair, 'oldSha1' | 'newSha1'>,
): FinalCheck {
  const now = Date.now();
  const r: FinalCheck = { notExactlyNew: [], duplicates: [], withoutValid: [], oldOnSp: [] };
  for (const c of fleet) {
    const k = keysOf(gs, c);
    const app = k.app.map((x) => (x.key ? sha1(x.key) : '?'));
    const sp = k.sp.map((x) => (x.key ? sha1(x.key) : '?'));
    if (app.length !== 1 || app[0] !== certs.newSha1) r.notExactlyNew.push(`${c.appId}: [${app.join(', ')}]`);
    if (new Set(app).size !== app.length || new Set(sp).size !== sp.length) r.duplicates.push(c.appId);
    if (!k.app.some((x) => isValid(x, now))) r.withoutValid.push(c.appId);
    if (sp.includes(certs.oldSha1)) r.oldOnSp.push(c.appId);
  }
  return r;
}

/**
 * Samples the simulator every `everyMs` while a campaign runs: in rotate mode a connector must
 * never be without a valid credential (old or new), and never hold the same certificate twice.
 */
export function startSampler(gs: GraphSim, fleet: FleetConnector[], everyMs = 25) {
  const gaps = new Set<string>();
  const dups = new Set<string>();
  let samples = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    samples++;
    for (const c of fleet) {
      const k = keysOf(gs, c);
      if (!k.app.some((x) => isValid(x, now))) gaps.add(c.appId);
      const app = k.app.map((x) => (x.key ? sha1(x.key) : '?'));
      if (new Set(app).size !== app.length) dups.add(c.appId);
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { samples, gaps: [...gaps], duplicates: [...dups] };
    },
  };
}

/** A real `rekey worker` child process (tsx as a loader, so SIGKILL hits the worker itself). */
export class WorkerProcess {
  child: ChildProcess | null = null;
  log = '';
  spawned = 0;
  constructor(
    private gs: GraphSim,
    private concurrency = 10,
  ) {}

  start(): ChildProcess {
    const m = this.gs.manifest.managementApp;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'lib/rotation/testing/worker-entry.ts'),
        '--concurrency',
        String(this.concurrency),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: process.env.DATABASE_URL,
          REKEY_WORKER_CONCURRENCY: String(this.concurrency),
          REKEY_AUTHORITY_HOST: this.gs.sim.url,
          REKEY_GRAPH_ENDPOINT: this.gs.sim.url,
          REKEY_MGMT_CLIENT_ID: m.appId,
          REKEY_MGMT_CERT_PATH: m.certificatePath,
          REKEY_MGMT_KEY_PATH: m.privateKeyPath,
          REKEY_MASTER_KEY: MASTER_KEY.key.toString('base64'),
          NODE_EXTRA_CA_CERTS: this.gs.sim.caPemPath,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.stderr?.on('data', (b: Buffer) => {
      this.log += b.toString();
      if (this.log.length > 2_000_000) this.log = this.log.slice(-1_000_000);
    });
    this.child = child;
    this.spawned++;
    return child;
  }

  /** Resolves once this child printed "worker running". */
  async ready(timeoutMs = 60_000): Promise<void> {
    const child = this.child;
    const deadline = Date.now() + timeoutMs;
    while (child && !this.log.includes(`worker running (pid ${child.pid})`)) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`worker exited with ${child.exitCode}:\n${this.log.slice(-4000)}`);
      if (Date.now() > deadline)
        throw new Error(`worker did not start within ${timeoutMs} ms:\n${this.log.slice(-4000)}`);
      await sleep(50);
    }
  }

  /** Job handler failures the worker logged (pg-boss retries them), first few verbatim. */
  jobFailures(): string {
    const lines = this.log.split('\n').filter((l) => l.includes('pg-boss will retry') || l.includes('pg-boss:'));
    return lines.length
      ? `${lines.length} job failures logged (retried), e.g. ${lines
          .slice(0, 3)
          .map((l) => l.slice(0, 300))
          .join(' | ')}`
      : 'no job failures logged';
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }
}

export interface CampaignOutcome {
  state: string;
  items: Record<string, number>;
  rotations: Record<string, number>;
  wallMs: number;
}

/** Polls until the campaign leaves RUNNING (or the deadline passes), calling `onPoll` each round. */
export async function waitForCampaign(
  campaignId: string,
  deadlineMs: number,
  onPoll?: () => Promise<void>,
): Promise<CampaignOutcome> {
  const started = Date.now();
  for (;;) {
    const c = await db.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { state: true } });
    if (c.state !== 'RUNNING') break;
    if (Date.now() > deadlineMs) break;
    if (onPoll) await onPoll();
    await sleep(250);
  }
  return campaignOutcome(campaignId, Date.now() - started);
}

export async function campaignOutcome(campaignId: string, wallMs = 0): Promise<CampaignOutcome> {
  const c = await db.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { state: true } });
  const items = await db.campaignItem.groupBy({ by: ['state'], where: { campaignId }, _count: true });
  const rotations = await db.rotation.groupBy({ by: ['state'], where: { campaignId }, _count: true });
  return {
    state: c.state,
    items: Object.fromEntries(items.map((i) => [i.state, i._count])),
    rotations: Object.fromEntries(rotations.map((i) => [i.state, i._count])),
    wallMs,
  };
}

/** Rotation problems worth printing when an assertion fails. */
export async function rotationTrouble(campaignId: string): Promise<string> {
  const bad = await db.rotation.findMany({
    where: { campaignId, state: { not: 'SUCCEEDED' } },
    select: { id: true, state: true, step: true, errorMessage: true },
    take: 10,
  });
  const items = await db.campaignItem.findMany({
    where: { campaignId, state: { notIn: ['SUCCEEDED'] } },
    select: { state: true, message: true, rotationId: true },
    take: 10,
  });
  return JSON.stringify({ bad, items }, null, 1);
}

/** A one-wave campaign over `connectorIds` to the replacement certificate (every region), started. */
export async function startChaosCampaign(
  name: string,
  connectorIds: string[],
  certificateId: string,
  concurrency: number,
): Promise<string> {
  const { createCampaign } = await import('@/lib/campaigns/create-campaign');
  const { startCampaign } = await import('@/lib/campaigns/start-campaign');
  const actor = { id: null, label: 'chaos' };
  const { campaign } = await createCampaign(
    createUseCaseContext({ actor, now: new Date() }),
    {
      name,
      selection: { kind: 'list', connectorIds },
      regionCertificates: Object.fromEntries(REGIONS.map((r) => [r, certificateId])),
      concurrency,
      waves: [{ size: null }],
    },
    { approvalThreshold: 1_000_000 },
  );
  await startCampaign(createUseCaseContext({ actor, now: new Date() }), campaign.id);
  return campaign.id;
}

/**
 * What every chaos file runs on: a simulator with its documented throttling, and worker child
 * processes with the given concurrencies (not started: each test decides when). Set up before the
 * file's tests, everything stopped and closed after them.
 */
export function chaosWorld(workerConcurrencies: number[]): {
  readonly gs: GraphSim;
  readonly workers: WorkerProcess[];
} {
  let gs: GraphSim | undefined;
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    gs = await startGraphSim({ throttling: true, tenants: 2 });
    workers = workerConcurrencies.map((c) => new WorkerProcess(gs!, c));
  });
  afterAll(async () => {
    for (const w of workers) await w.kill();
    await closeJobQueues();
    await closeLeasePool();
    gs?.sim.faults.clear();
    await gs?.close();
  });
  return {
    get gs() {
      if (!gs) throw new Error('the chaos world is set up in beforeAll');
      return gs;
    },
    get workers() {
      return workers;
    },
  };
}

/**
 * The truth checker at the end of a chaos run: scan every tenant of the fleet (faults cleared), as
 * the daily scan would, then compare every overview figure with what the simulator holds.
 */
export async function checkFleetTruth(gs: GraphSim, fleet: FleetConnector[]): Promise<string[]> {
  const { scanTenant } = await import('@/lib/tenants/scan-tenant');
  const { reclassifyConnectors } = await import('@/lib/detection/reclassify-connectors');
  const { getFleetOverview } = await import('@/lib/fleet/get-fleet-overview');
  const { readSimTenants } = await import('@/lib/testing/simulator-read');
  const { checkTruth } = await import('@/lib/testing/truth-checker');
  const simIds = [...new Set(fleet.map((c) => c.simTenantId))];
  const tenants = await db.tenant.findMany({ where: { entraTenantId: { in: simIds } }, select: { id: true } });
  const ctx = createUseCaseContext({
    actor: { id: null, label: 'truth-checker' },
    now: new Date(),
    graph: () => gs.graph,
  });
  for (const t of tenants) await scanTenant(ctx, { tenantId: t.id });
  const now = new Date();
  await reclassifyConnectors(db, { tenantIds: tenants.map((t) => t.id) }, { now });
  const sim = await readSimTenants({ simUrl: gs.sim.url, manifest: gs.manifest, tenantIds: simIds });
  const o = await getFleetOverview(db, { all: true }, {}, now);
  const r = await checkTruth(db, sim, {
    now,
    shown: {
      exposed: o.exposedConnectors,
      noAccess: o.access.noAccess,
      notScannedRecently: o.access.notScannedRecently,
    },
  });
  return r.mismatches;
}
