/**
 * Emergency campaign: rotate 3,600 connectors in 3,600 tenants on the simulator with its
 * documented throttling and 50 ms added latency, through the real engine (a `rekey worker` child
 * process: pg-boss, campaign dispatcher, rotation steps, Graph gateway). Measures wall time, the
 * achieved rate as a fraction of the throttle-bound ideal (computed from the documented limits
 * and the Graph requests one rotation makes, counted at the simulator), the speed-up over a
 * sequential one-tenant-at-a-time baseline run in the same benchmark (the same campaign code
 * with concurrency 1 over a sample of tenants), and the worker's RSS at 600 / 1,800 / 3,600
 * rotations (memory must stay flat, < 400 MB).
 *
 * `npx tsx bench/emergency-campaign.ts [connectors]` (default 3,600).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTlsMaterial } from '@/sim/crypto/ca';
import { ensureCertificateKit } from '@/sim/seed/demo-fleet';
import { DEFAULT_THROTTLE_LIMITS } from '@/sim/throttle/throttler';
import { TEST_KEYS_DIR, TEST_SIM_DIR, startTestSim } from '@/sim/testing/start-test-sim';
import type { SimHandle } from '@/sim/server';
import {
  cpuMsOf,
  isMain,
  percentile,
  positionalArgs,
  postgresCpuMs,
  readStatementStats,
  resetStatementStats,
  startBenchDatabase,
  stopProcess,
  writeJsonResult,
  type StatementStats,
} from './lib/bench-db';
import { summarizeProfiles, type ProfileSummary } from './lib/cpu-profile';
import { campaignEnds, campaignTimelines, formatTimeline } from './lib/rotation-timeline';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import { parseEnv, workerNodeArgs } from '@/lib/env';

const ROOT = path.resolve(import.meta.dirname, '..');
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const REGIONS = ['EU', 'US', 'UK', 'APAC'] as const;

export interface EmergencyCampaignResult {
  name: 'emergency-campaign';
  connectors: number;
  campaignConcurrency: number;
  workerConcurrency: number;
  workerProcesses: number;
  dbPool: number;
  latencyMs: number;
  wallMs: number;
  succeeded: number;
  failed: number;
  otherItems: Record<string, number>;
  achievedPerSec: number;
  perRotation: {
    graphRequests: number;
    writes: number;
    reads: number;
    graphRoundTrips: number;
    tokenRequests: number;
    throttled: number;
  };
  ideal: { perSec: number; bindingLimit: string; candidates: { limit: string; perSec: number }[] };
  fractionOfIdeal: number;
  baseline: { sample: number; wallMs: number; perRotationMs: number; extrapolatedMs: number };
  speedup: number;
  /** CPU time per rotation in the campaign: the worker process, and the simulator (this process, which also polls the database). */
  cpuMsPerRotation: { worker: number; sim: number; postgres: number; total: number };
  /**
   * What PostgreSQL executed per rotation (pg_stat_statements): statements = client round trips.
   * `measured: false` with REKEY_BENCH_STATEMENT_STATS=0 (PostgreSQL without the extension, whose
   * own cost is then out of the CPU figure; the counts are zero).
   */
  database: {
    measured: boolean;
    /** Statements clients sent (round trips), and those run inside them (triggers, foreign-key checks). */
    statementsPerRotation: number;
    nestedPerRotation: number;
    rowsWrittenPerRotation: number;
    /** The server's planning per rotation: ms, and plans made (statements run unnamed are planned every time). */
    planMsPerRotation: number;
    plansPerRotation: number;
    top: StatementStats['top'];
  };
  /** The workers' V8 profile (REKEY_BENCH_CPU_PROFILE=<dir>), whole run: self time by component and function. */
  profile: ProfileSummary | null;
  /** The first baseline rotation's steps and jobs (ms from its creation), and the gaps between rotations. */
  timeline: string[];
  /** The campaign: its last rotation's end and the campaign's own end, ms from its start. */
  ends: {
    firstRotationCreatedMs: number;
    lastRotationCreatedMs: number;
    lastRotationFinishedMs: number;
    campaignFinishedMs: number | null;
    rotationMs: { p50: number; p95: number; max: number };
  };
  rssMb: { at: number; rssMb: number }[];
  peakRssMb: number;
  targets: { fractionOfIdeal: number; speedup: number; peakRssMb: number };
  withinTarget: boolean;
}

interface SimCounts {
  /** Graph requests as Graph's throttling counts them: a `$batch` item is one, the `$batch` POST itself none. */
  graph: number;
  writes: number;
  /** HTTPS round trips to Graph (a `$batch` is one). */
  graphHttp: number;
  token: number;
  throttled: number;
}

/** Counts the simulator's request log lines (`[sim] METHOD /path -> status (ms)`, `[sim]   ↳ METHOD url -> status` per `$batch` item). */
function countSimRequests(): { counts: SimCounts; reset(): SimCounts; restore(): void } {
  const counts: SimCounts = { graph: 0, writes: 0, graphHttp: 0, token: 0, throttled: 0 };
  const orig = console.log;
  console.log = (...args: unknown[]) => {
    const line = typeof args[0] === 'string' ? args[0] : '';
    const item = /^\[sim\] +↳ (\w+) (\S+) -> (\d+)/.exec(line);
    if (item) {
      counts.graph++;
      if (item[1] !== 'GET') counts.writes++;
      if (item[3] === '429' || item[3] === '503') counts.throttled++;
      return;
    }
    const m = /^\[sim\] (\w+) (\S+) -> (\d+)/.exec(line);
    if (!m) return orig(...args);
    const [, method, p, status] = m;
    if (/^\/(v1\.0|beta)\//i.test(p!)) {
      counts.graphHttp++;
      if (!/^\/(v1\.0|beta)\/\$batch$/i.test(p!)) {
        counts.graph++;
        if (method !== 'GET') counts.writes++;
      }
    } else if (/\/oauth2\/(v2\.0\/)?token$/i.test(p!)) counts.token++;
    if (status === '429' || status === '503') counts.throttled++;
  };
  return {
    counts,
    reset() {
      const c = { ...counts };
      counts.graph = counts.writes = counts.graphHttp = counts.token = counts.throttled = 0;
      return c;
    },
    restore() {
      console.log = orig;
    },
  };
}

function rssMbOf(pid: number): number {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** `REKEY_BENCH_CPU_PROFILE=<dir>` writes a V8 CPU profile of the worker there (for finding where the time goes). */
const cpuProfileArgs = () =>
  process.env.REKEY_BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.REKEY_BENCH_CPU_PROFILE}`] : [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha1 = (der: Buffer) => createHash('sha1').update(der).digest('hex').toUpperCase();

export async function run(
  opts: {
    connectors?: number;
    baselineSample?: number;
    workerConcurrency?: number;
    workerProcesses?: number;
    campaignConcurrency?: number;
    /** Each worker's Prisma pool size (REKEY_DB_POOL; default min(40, worker concurrency)). */
    dbPool?: number;
    log?: (s: string) => void;
  } = {},
): Promise<EmergencyCampaignResult> {
  const n = opts.connectors ?? 3_600;
  const sample = opts.baselineSample ?? 30;
  const workerConcurrency = opts.workerConcurrency ?? 32;
  const workerProcesses = opts.workerProcesses ?? Number(process.env.REKEY_BENCH_WORKERS ?? os.cpus().length);
  const campaignConcurrency = opts.campaignConcurrency ?? 200;
  const dbPool = opts.dbPool ?? Math.min(40, workerConcurrency);
  const latencyMs = 50;
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));

  // The simulator's TLS material and certificate kit, as the test global setup makes them.
  const tls = ensureTlsMaterial(TEST_SIM_DIR, ['login.microsoftonline.com', 'graph.microsoft.com']);
  ensureCertificateKit(TEST_KEYS_DIR, Date.now());
  // REKEY_BENCH_STATEMENT_STATS=0: PostgreSQL without pg_stat_statements (track = all, planning
  // too), which Rekey's own database does not load: to see what counting every statement costs.
  const statementStats = process.env.REKEY_BENCH_STATEMENT_STATS !== '0';
  const database = await startBenchDatabase('campaign', { statementStats });
  const counter = countSimRequests();
  let sim: SimHandle | null = null;
  const workers: ChildProcess[] = [];
  try {
    sim = await startTestSim({ throttling: true, latencyMs, tenants: 1, log: true });
    const m = sim.manifest!.managementApp;

    process.env.DATABASE_URL = database.clientUrl;
    process.env.REKEY_DATA_DIR = database.dir;
    const { db, disconnectDb } = await import('@/lib/db');
    const { masterKeyFromBytes } = await import('@/lib/vault/master-key');
    const { storeCertificate } = await import('@/lib/testing/store-certificate');
    const { buildCert } = await import('@/lib/testing/certs');
    const { createCampaign } = await import('@/lib/campaigns/create-campaign');
    const { startCampaign } = await import('@/lib/campaigns/start-campaign');
    const { closeJobQueues } = await import('@/lib/jobs/job-queues');

    // Certificates: the fleet's current one and the replacement, both keys sealed in the vault.
    const masterKey = masterKeyFromBytes(randomBytes(32));
    const now = Date.now();
    const oldBuilt = buildCert({
      subject: 'CN=Litware Connect 2026, O=Rekey Bench',
      notBefore: new Date(now - 300 * 86_400_000),
      notAfter: new Date(now + 20 * 86_400_000),
      slot: 41,
    });
    const newBuilt = buildCert({
      subject: 'CN=Litware Connect 2027, O=Rekey Bench',
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 365 * 86_400_000),
      slot: 42,
    });
    const insertCert = (b: typeof oldBuilt) => storeCertificate(db, b.der, { privateKeyPem: b.keyPem, masterKey });
    const oldCert = await insertCert(oldBuilt);
    const newCert = await insertCert(newBuilt);

    // Tenants: each with the management app consented and one connector app holding the old certificate.
    const t0 = Date.now();
    const type = await db.connectorType.create({ data: { name: 'Litware Connect' } });
    const total = n + sample;
    const tenants: { id: string; entraTenantId: string; displayName: string; defaultDomain: string; region: string }[] =
      [];
    const connectors: {
      id: string;
      tenantId: string;
      connectorTypeId: string;
      displayName: string;
      appId: string;
      appObjectId: string;
      spObjectId: string;
      currentCertificateId: string;
    }[] = [];
    const simApps: { tenantId: string; appId: string }[] = [];
    for (let i = 0; i < total; i++) {
      const domain = `bench${i}.onmicrosoft.com`;
      const t = sim.admin.createTenant({
        displayName: `Bench ${String(i).padStart(5, '0')} Ltd`,
        domain,
        premium: true,
      });
      sim.admin.addServicePrincipal(t.id, m.appId);
      sim.admin.grantAppRoles(t.id, m.appId, m.graphRoles);
      const graphSp = [...sim.admin.getTenant(t.id).servicePrincipals.values()].find((x) => x.appId === GRAPH_APP_ID);
      const role = graphSp?.appRoles.find((a) => a.value === 'Organization.Read.All');
      const app = sim.admin.createApplication(t.id, {
        displayName: 'Litware Connect sync',
        requiredResourceAccess: role
          ? [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: role.id, type: 'Role' }] }]
          : [],
      });
      const sp = sim.admin.addServicePrincipal(t.id, app.appId);
      sim.admin.addKeyCredentialDirect(t.id, { appId: app.appId, certificate: oldBuilt.pem });
      const tenantId = randomUUID();
      tenants.push({
        id: tenantId,
        entraTenantId: t.id,
        displayName: `Bench ${String(i).padStart(5, '0')} Ltd`,
        defaultDomain: domain,
        region: REGIONS[i % REGIONS.length]!,
      });
      connectors.push({
        id: randomUUID(),
        tenantId,
        connectorTypeId: type.id,
        displayName: 'Litware Connect sync',
        appId: app.appId,
        appObjectId: app.id,
        spObjectId: sp.id,
        currentCertificateId: oldCert.id,
      });
      simApps.push({ tenantId: t.id, appId: app.appId });
    }
    for (let i = 0; i < total; i += 2_000) {
      await db.tenant.createMany({ data: tenants.slice(i, i + 2_000) });
      await db.connector.createMany({ data: connectors.slice(i, i + 2_000) });
    }
    log(
      `emergency-campaign: ${total} tenants with one connector each in the simulator and the database (${Date.now() - t0} ms)`,
    );

    const startWorker = () => {
      let out = '';
      const child = spawn(
        process.execPath,
        [
          ...cpuProfileArgs(),
          // As npm start runs a worker (REKEY_WORKER_HEAP_MB, ADR 044).
          ...workerNodeArgs(parseEnv({ REKEY_WORKER_HEAP_MB: process.env.REKEY_WORKER_HEAP_MB }).REKEY_WORKER_HEAP_MB),
          '--import',
          'tsx',
          path.join(ROOT, 'lib/rotation/testing/worker-entry.ts'),
          '--concurrency',
          String(workerConcurrency),
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            NODE_ENV: 'production',
            DATABASE_URL: database.clientUrl,
            REKEY_DATA_DIR: database.dir,
            REKEY_WORKER_CONCURRENCY: String(workerConcurrency),
            REKEY_DB_POOL: String(dbPool),
            REKEY_AUTHORITY_HOST: sim!.url,
            REKEY_GRAPH_ENDPOINT: sim!.url,
            REKEY_MGMT_CLIENT_ID: m.appId,
            REKEY_MGMT_CERT_PATH: m.certificatePath,
            REKEY_MGMT_KEY_PATH: m.privateKeyPath,
            REKEY_MASTER_KEY: masterKey.key.toString('base64'),
            NODE_EXTRA_CA_CERTS: tls.caPemPath,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      // REKEY_BENCH_WORKER_LOGS=<dir>: each worker's output also goes to <dir>/worker-<pid>.log.
      const logFile = process.env.REKEY_BENCH_WORKER_LOGS
        ? path.join(process.env.REKEY_BENCH_WORKER_LOGS, `worker-${child.pid}.log`)
        : null;
      child.stderr?.on('data', (b: Buffer) => {
        if (logFile) fs.appendFileSync(logFile, b);
        out += b.toString();
        if (out.length > 200_000) out = out.slice(-100_000);
      });
      return { child, log: () => out };
    };
    // Several worker processes share the queues (as on several machines): one per core by default.
    const ws = Array.from({ length: workerProcesses }, () => startWorker());
    workers.push(...ws.map((x) => x.child));
    const dead = () => ws.find((x) => x.child.exitCode !== null || x.child.signalCode !== null);
    for (const deadline = Date.now() + 300_000; !ws.every((x) => x.log().includes('worker running'));) {
      if (dead() || Date.now() > deadline) throw new Error(`a worker did not start:\n${(dead() ?? ws[0]!).log()}`);
      await sleep(100);
    }
    const workerCpuMs = () => ws.reduce((sum, x) => sum + cpuMsOf(x.child.pid!), 0);
    const workerRssMb = () => Math.max(...ws.map((x) => rssMbOf(x.child.pid!)));

    const actor = { id: null, label: 'bench' };
    const runCampaign = async (name: string, ids: string[], concurrency: number, milestones: number[] = []) => {
      const { campaign } = await createCampaign(
        createUseCaseContext({ actor, now: new Date() }),
        {
          name,
          selection: { kind: 'list', connectorIds: ids },
          regionCertificates: Object.fromEntries(REGIONS.map((r) => [r, newCert.id])),
          concurrency,
          waves: [{ size: null }],
        },
        { approvalThreshold: 1_000_000 },
      );
      counter.reset();
      if (statementStats) await resetStatementStats(database.url);
      const cpu0 = { worker: workerCpuMs(), sim: process.cpuUsage(), postgres: await postgresCpuMs(database.url) };
      const started = Date.now();
      await startCampaign(createUseCaseContext({ actor, now: new Date() }), campaign.id);
      const rss: { at: number; rssMb: number }[] = [];
      let peak = 0;
      const pending = [...milestones];
      for (;;) {
        peak = Math.max(peak, workerRssMb());
        const c = await db.campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { state: true } });
        const done = await db.campaignItem.count({
          where: { campaignId: campaign.id, state: { in: ['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'] } },
        });
        while (pending.length && done >= pending[0]!) {
          rss.push({ at: pending.shift()!, rssMb: peak });
          log(
            `emergency-campaign: ${done}/${ids.length} done after ${((Date.now() - started) / 1000).toFixed(1)} s; worker peak RSS so far ${peak} MB`,
          );
        }
        if (c.state !== 'RUNNING') break;
        const gone = dead();
        if (gone) throw new Error(`a worker died:\n${gone.log().slice(-3000)}`);
        if (Date.now() - started > 15 * 60_000) throw new Error(`campaign ${name} did not finish in 15 minutes`);
        await sleep(200);
      }
      const wallMs = Date.now() - started;
      const simCpu = process.cpuUsage(cpu0.sim);
      const cpuMs = {
        worker: workerCpuMs() - cpu0.worker,
        sim: (simCpu.user + simCpu.system) / 1000,
        postgres: (await postgresCpuMs(database.url)) - cpu0.postgres,
      };
      const statements: StatementStats = statementStats
        ? await readStatementStats(database.url, { all: true })
        : { calls: 0, nested: 0, planMs: 0, plans: 0, rowsWritten: 0, top: [] };
      const items = await db.campaignItem.groupBy({ by: ['state'], where: { campaignId: campaign.id }, _count: true });
      return {
        campaignId: campaign.id,
        wallMs,
        cpuMs,
        items: Object.fromEntries(items.map((i) => [i.state, i._count])) as Record<string, number>,
        rss,
        peak,
        sim: counter.reset(),
        statements,
      };
    };

    // The sequential baseline first (a cold engine is the baseline's problem, not the campaign's).
    const baseline = await runCampaign(
      'Baseline (sequential)',
      connectors.slice(n).map((c) => c.id),
      1,
    );
    log(
      `emergency-campaign: sequential baseline: ${sample} rotations in ${(baseline.wallMs / 1000).toFixed(1)} s (${JSON.stringify(baseline.items)})`,
    );
    // Where a sequential rotation's wall time goes: its steps and the jobs between them.
    const baselineEnds = await campaignEnds(database.url, baseline.campaignId);
    const timeline = [
      ...(await campaignTimelines(database.url, baseline.campaignId, 1)).flatMap(formatTimeline),
      `between rotations (end → next created): ${describeGaps(baselineEnds.gapsMs)}; last rotation finished at +${baselineEnds.lastFinishedMs} ms, campaign at +${baselineEnds.campaignFinishedMs ?? '?'} ms`,
    ];
    for (const line of timeline) log(`emergency-campaign: ${line}`);
    const milestones = [600, 1_800, 3_600].filter((x) => x < n).concat([n]);
    const main = await runCampaign(
      'Emergency',
      connectors.slice(0, n).map((c) => c.id),
      campaignConcurrency,
      milestones,
    );
    log(`emergency-campaign: ${n} rotations in ${(main.wallMs / 1000).toFixed(1)} s (${JSON.stringify(main.items)})`);
    // REKEY_BENCH_STATEMENTS=<file>: every statement of the campaign, calls and execution ms per
    // rotation, then plans made and planning ms per rotation (what to cut next; a nested statement's time is also in the statement that ran it).
    if (process.env.REKEY_BENCH_STATEMENTS)
      fs.writeFileSync(
        process.env.REKEY_BENCH_STATEMENTS,
        main.statements.top
          .map(
            (q) =>
              `${(q.calls / n).toFixed(2).padStart(7)} ${(q.totalMs / n).toFixed(3).padStart(7)} ms ${(q.plans / n).toFixed(2).padStart(6)} plans ${(q.planMs / n).toFixed(3).padStart(7)} ms${q.nested ? ' nested' : '       '}  ${q.query}`,
          )
          .join('\n') + '\n',
      );
    const mainEnds = await campaignEnds(database.url, main.campaignId);
    // The campaign's slowest rotation: what held it up.
    for (const line of (await campaignTimelines(database.url, main.campaignId, 1, 'slowest')).flatMap(formatTimeline))
      log(`emergency-campaign: slowest: ${line}`);

    // Check the end state at the simulator: every campaign app holds exactly the new certificate.
    const newSha1 = sha1(newBuilt.der);
    let wrong = 0;
    for (const a of simApps) {
      const keys = sim.admin.getTenant(a.tenantId).appsByAppId.get(a.appId)?.keyCredentials ?? [];
      if (keys.length !== 1 || !keys[0]!.key || sha1(keys[0]!.key) !== newSha1) wrong++;
    }
    if (wrong > 0) log(`emergency-campaign: ${wrong} connector apps do not hold exactly the new certificate`);

    // Ideal rate from the documented per-app limits (graph-facts §3.3) and the measured requests per rotation.
    const s = main.sim;
    const per = {
      graphRequests: s.graph / n,
      writes: s.writes / n,
      reads: (s.graph - s.writes) / n,
      graphRoundTrips: s.graphHttp / n,
      tokenRequests: s.token / n,
      throttled: s.throttled,
    };
    const L = DEFAULT_THROTTLE_LIMITS;
    const candidates = [
      {
        limit: `writes per app: ${L.writesPerApp.toLocaleString('en')} / ${L.writesPerAppWindowMs / 60_000} min`,
        perSec: L.writesPerApp / (L.writesPerAppWindowMs / 1000) / Math.max(per.writes, 1e-9),
      },
      { limit: 'global: 130,000 requests / 10 s per app', perSec: 130_000 / 10 / Math.max(per.graphRequests, 1e-9) },
      {
        limit: `resource units per app: ${L.ruPerApp.toLocaleString('en')} / ${L.ruPerAppWindowMs / 1000} s (≥ 1 RU per request)`,
        perSec: L.ruPerApp / (L.ruPerAppWindowMs / 1000) / Math.max(per.graphRequests, 1e-9),
      },
    ];
    const binding = candidates.reduce((a, b) => (b.perSec < a.perSec ? b : a));
    const achievedPerSec = (main.items.SUCCEEDED ?? 0) / (main.wallMs / 1000);
    const perRotationMs = baseline.wallMs / sample;
    const extrapolatedMs = perRotationMs * n;
    const peakRssMb = Math.max(...main.rss.map((r) => r.rssMb), main.peak);
    const failed = (main.items.FAILED ?? 0) + wrong;
    const fractionOfIdeal = achievedPerSec / binding.perSec;
    const speedup = extrapolatedMs / main.wallMs;
    const { SUCCEEDED: _s, FAILED: _f, ...otherItems } = main.items;

    await closeJobQueues();
    await disconnectDb();
    // The profile is written when the workers exit.
    await Promise.all(workers.map((w) => stopProcess(w)));
    const profile = process.env.REKEY_BENCH_CPU_PROFILE ? summarizeProfiles(process.env.REKEY_BENCH_CPU_PROFILE) : null;
    return {
      name: 'emergency-campaign',
      connectors: n,
      campaignConcurrency,
      workerConcurrency,
      workerProcesses,
      dbPool,
      latencyMs,
      wallMs: main.wallMs,
      succeeded: main.items.SUCCEEDED ?? 0,
      failed,
      otherItems,
      achievedPerSec: Math.round(achievedPerSec * 100) / 100,
      perRotation: {
        graphRequests: round2(per.graphRequests),
        writes: round2(per.writes),
        reads: round2(per.reads),
        graphRoundTrips: round2(per.graphRoundTrips),
        tokenRequests: round2(per.tokenRequests),
        throttled: per.throttled,
      },
      ideal: {
        perSec: round2(binding.perSec),
        bindingLimit: binding.limit,
        candidates: candidates.map((c) => ({ limit: c.limit, perSec: round2(c.perSec) })),
      },
      fractionOfIdeal: round2(fractionOfIdeal),
      baseline: {
        sample,
        wallMs: baseline.wallMs,
        perRotationMs: Math.round(perRotationMs),
        extrapolatedMs: Math.round(extrapolatedMs),
      },
      speedup: Math.round(speedup * 10) / 10,
      cpuMsPerRotation: {
        worker: round1(main.cpuMs.worker / n),
        sim: round1(main.cpuMs.sim / n),
        postgres: round1(main.cpuMs.postgres / n),
        total: round1((main.cpuMs.worker + main.cpuMs.sim + main.cpuMs.postgres) / n),
      },
      database: {
        measured: statementStats,
        statementsPerRotation: round1(main.statements.calls / n),
        nestedPerRotation: round1(main.statements.nested / n),
        rowsWrittenPerRotation: round1(main.statements.rowsWritten / n),
        planMsPerRotation: round1(main.statements.planMs / n),
        plansPerRotation: round1(main.statements.plans / n),
        top: main.statements.top.slice(0, 16),
      },
      profile,
      timeline,
      ends: {
        firstRotationCreatedMs: mainEnds.firstCreatedMs,
        lastRotationCreatedMs: mainEnds.lastCreatedMs,
        lastRotationFinishedMs: mainEnds.lastFinishedMs,
        campaignFinishedMs: mainEnds.campaignFinishedMs,
        rotationMs: {
          p50: percentile(mainEnds.durationsMs, 50),
          p95: percentile(mainEnds.durationsMs, 95),
          max: mainEnds.durationsMs[mainEnds.durationsMs.length - 1] ?? 0,
        },
      },
      rssMb: main.rss,
      peakRssMb,
      targets: { fractionOfIdeal: 0.8, speedup: 20, peakRssMb: 400 },
      withinTarget:
        fractionOfIdeal >= 0.8 &&
        speedup >= 20 &&
        failed === 0 &&
        Object.keys(otherItems).length === 0 &&
        peakRssMb < 400,
    };
  } finally {
    await Promise.all(workers.map((w) => stopProcess(w)));
    counter.restore();
    await sim?.close();
    await database.stop();
  }
}

function describeGaps(gaps: number[]): string {
  if (gaps.length === 0) return 'none';
  const sorted = [...gaps].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms`;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round1 = (x: number) => Math.round(x * 10) / 10;

export function format(r: EmergencyCampaignResult): string {
  return [
    `emergency-campaign: ${r.connectors} connectors in ${r.connectors} tenants; sim throttling on, +${r.latencyMs} ms latency; campaign concurrency ${r.campaignConcurrency}, ${r.workerProcesses} worker process${r.workerProcesses > 1 ? 'es' : ''} × concurrency ${r.workerConcurrency}`,
    `  wall time        ${(r.wallMs / 1000).toFixed(1)} s; ${r.succeeded} succeeded, ${r.failed} failed${Object.keys(r.otherItems).length ? `, other: ${JSON.stringify(r.otherItems)}` : ''}`,
    `  per rotation     ${r.perRotation.graphRequests} Graph requests (${r.perRotation.writes} writes, ${r.perRotation.reads} reads; ${r.perRotation.graphRoundTrips} round trips with $batch), ${r.perRotation.tokenRequests} token requests; ${r.perRotation.throttled} throttled answers in the run`,
    `  ideal rate       ${r.ideal.perSec} rotations/s, bound by ${r.ideal.bindingLimit}`,
    ...r.ideal.candidates.map((c) => `                     ${c.limit}: ${c.perSec}/s`),
    `  achieved         ${r.achievedPerSec} rotations/s = ${r.fractionOfIdeal} of the ideal (target ≥ ${r.targets.fractionOfIdeal})`,
    ...r.timeline.map((l, i) => `${i === 0 ? '  one rotation     ' : '                   '}${l}`),
    `  sequential       ${r.baseline.sample} rotations one at a time in ${(r.baseline.wallMs / 1000).toFixed(1)} s = ${r.baseline.perRotationMs} ms each → ${(r.baseline.extrapolatedMs / 1000).toFixed(0)} s for ${r.connectors}`,
    `  campaign         rotations created from ${(r.ends.firstRotationCreatedMs / 1000).toFixed(1)} s to ${(r.ends.lastRotationCreatedMs / 1000).toFixed(1)} s; each took p50 ${r.ends.rotationMs.p50} ms, p95 ${r.ends.rotationMs.p95} ms, max ${r.ends.rotationMs.max} ms; last finished at ${(r.ends.lastRotationFinishedMs / 1000).toFixed(1)} s, campaign finished at ${r.ends.campaignFinishedMs === null ? '?' : (r.ends.campaignFinishedMs / 1000).toFixed(1)} s`,
    `  speed-up         ${r.speedup}× the sequential baseline (target ≥ ${r.targets.speedup}×)`,
    `  CPU per rotation workers ${r.cpuMsPerRotation.worker} ms, PostgreSQL ${r.cpuMsPerRotation.postgres} ms, simulator (+ bench polling) ${r.cpuMsPerRotation.sim} ms = ${r.cpuMsPerRotation.total} ms (target ≤ 34; 2 cores = 2,000 ms of CPU per second for everything)`,
    r.database.measured
      ? `  database         per rotation: ${r.database.statementsPerRotation} top-level statements (the clients' round trips, and the deferred triggers run at commit), ${r.database.nestedPerRotation} run inside them (triggers, foreign-key checks), ${r.database.rowsWrittenPerRotation} rows written; ${r.database.plansPerRotation} plans made in ${r.database.planMsPerRotation} ms`
      : '  database         not counted (REKEY_BENCH_STATEMENT_STATS=0: PostgreSQL ran without pg_stat_statements)',
    ...r.database.top
      .slice(0, 12)
      .map(
        (q) =>
          `                     ${(q.calls / r.connectors).toFixed(2).padStart(6)} × ${q.nested ? '(nested) ' : ''}${q.query}`,
      ),
    ...(r.profile
      ? [
          `  worker profile   ${r.profile.totalMs} ms sampled in ${r.profile.files} profiles; by component: ${Object.entries(
            r.profile.byComponent,
          )
            .map(([k, v]) => `${k} ${Math.round((v / r.profile!.totalMs) * 100)}%`)
            .join(', ')}`,
          ...r.profile.top
            .slice(0, 12)
            .map((f) => `                     ${String(f.share).padStart(5)}% ${f.fn} ${f.where}`),
        ]
      : []),
    `  worker RSS       (largest process) ${r.rssMb.map((x) => `${x.rssMb} MB at ${x.at}`).join(', ')}; peak ${r.peakRssMb} MB (target < ${r.targets.peakRssMb} MB)`,
    `  ${r.withinTarget ? 'OK' : 'OVER TARGET'}`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const args = positionalArgs();
  const n = Number(args[0] ?? 3_600);
  const r = await run({ connectors: n, ...(args[1] ? { baselineSample: Number(args[1]) } : {}) });
  process.stdout.write(`${format(r)}\n`);
  writeJsonResult(r);
  process.exit(0);
}
