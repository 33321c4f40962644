/**
 * Fleet onboarding: what `REKEY_SIM_TENANTS=N npm start` does on first start, as the same child
 * processes — the simulator (`sim/cli.ts --seed demo`, its defaults: throttling and replication
 * lag on), `rekey db seed --if-empty --onboard-later` (certificates, the tenants' CSV import,
 * users) and `rekey db onboard` — against a fresh embedded PostgreSQL. Measures the import, then
 * step 1 of the onboarding (each tenant's consent check and discovery scan, adaptive under Graph's
 * budgets) from the onboarding's own progress lines: wall time, tenants per second and CPU per
 * tenant of the onboarding process, the simulator and PostgreSQL. Step 2 (sign-in scans, paced by
 * Microsoft's report rate) is not part of the figure: the onboarding is stopped when it starts.
 *
 * `npx tsx bench/onboarding.ts [tenants]` (default 10,000). `REKEY_BENCH_CPU_PROFILE=<dir>` writes
 * a V8 CPU profile of the onboarding process (and prints its summary).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import {
  cpuMsOf,
  freePort,
  isMain,
  positionalArgs,
  postgresCpuMs,
  readStatementStats,
  resetStatementStats,
  startBenchDatabase,
  stopProcess,
  writeJsonResult,
} from './lib/bench-db';
import { summarizeProfiles, type ProfileSummary } from './lib/cpu-profile';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = ['--import', 'tsx'];
const CLI = path.join(ROOT, 'cli/main-entry.ts');

export interface OnboardingResult {
  name: 'onboarding';
  tenants: number;
  /** `db seed --onboard-later`: certificates, the tenants' CSV import, users. */
  importMs: number;
  /** Step 1: consent check + discovery scan of every tenant. */
  consentAndDiscovery: {
    wallMs: number;
    perSec: number;
    cpuMsPerTenant: { onboarding: number; sim: number; postgres: number; total: number };
    /** pg_stat_statements: statements clients sent (round trips) and rows written, per tenant. */
    statementsPerTenant: number;
    rowsWrittenPerTenant: number;
    topStatements: { query: string; calls: number; totalMs: number }[];
  };
  profile: ProfileSummary | null;
  targets: { consentAndDiscoveryMs: number };
  withinTarget: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function simHealthy(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(
      { host: 'localhost', port, path: '/_sim/health', ca: fs.readFileSync(ca), timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/** Runs a CLI child to its end; rejects with its stderr when it fails. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`rekey ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

export async function run(
  tenants = 10_000,
  log = (s: string) => process.stderr.write(`${s}\n`),
): Promise<OnboardingResult> {
  const database = await startBenchDatabase('onboarding', { statementStats: true });
  const simDir = path.join(database.dir, 'sim');
  const simPort = await freePort();
  let sim: ChildProcess | null = null;
  let onboard: ChildProcess | null = null;
  const profileDir = process.env.REKEY_BENCH_CPU_PROFILE;
  try {
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: database.clientUrl,
      REKEY_DATA_DIR: database.dir,
    };
    delete baseEnv.DATABASE_MIGRATE_URL;
    log(`onboarding: simulator with a demo fleet of ${tenants} tenants`);
    // The arguments npm start passes (scripts/stack.ts), but its redirect URIs.
    sim = spawn(
      process.execPath,
      [
        ...TSX,
        path.join(ROOT, 'sim/cli.ts'),
        '--port',
        String(simPort),
        '--data-dir',
        simDir,
        '--seed',
        'demo',
        '--tenants',
        String(tenants),
        '--quiet',
      ],
      { cwd: ROOT, env: { ...baseEnv }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const manifestPath = path.join(simDir, 'fleet.json');
    const deadline = Date.now() + 180_000;
    while (!(fs.existsSync(path.join(simDir, 'ca.pem')) && (await simHealthy(simPort, path.join(simDir, 'ca.pem'))))) {
      if (sim.exitCode !== null) throw new Error(`the simulator exited with ${sim.exitCode}`);
      if (Date.now() > deadline) throw new Error('the simulator did not come up in 3 minutes');
      await sleep(200);
    }
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
      managementApp: { appId: string; certificatePath: string; privateKeyPath: string; homeTenantId: string };
      caPemPath: string;
    };
    // What scripts/stack.ts gives its children when it runs the simulator.
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      REKEY_AUTHORITY_HOST: `https://localhost:${simPort}`,
      REKEY_GRAPH_ENDPOINT: `https://localhost:${simPort}`,
      REKEY_MGMT_CLIENT_ID: manifest.managementApp.appId,
      REKEY_MGMT_CERT_PATH: manifest.managementApp.certificatePath,
      REKEY_MGMT_KEY_PATH: manifest.managementApp.privateKeyPath,
      REKEY_HOME_TENANT: manifest.managementApp.homeTenantId,
      REKEY_DEMO_MANIFEST: manifestPath,
      NODE_EXTRA_CA_CERTS: manifest.caPemPath,
    };

    log('onboarding: rekey db seed --if-empty --onboard-later');
    const importStarted = Date.now();
    await runCli(['db', 'seed', '--if-empty', '--onboard-later'], { ...env, DATABASE_MIGRATE_URL: database.url });
    const importMs = Date.now() - importStarted;
    log(`onboarding: imported in ${(importMs / 1000).toFixed(1)} s; rekey db onboard`);

    // As npm start runs it (pool 24), progress lines every second.
    if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
    onboard = spawn(
      process.execPath,
      [
        ...TSX,
        ...(profileDir
          ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', path.join(ROOT, 'bench/lib/exit-on-sigint.ts')]
          : []),
        CLI,
        'db',
        'onboard',
      ],
      {
        cwd: ROOT,
        env: { ...env, REKEY_DB_POOL: process.env.REKEY_DB_POOL ?? '24', REKEY_PROGRESS_EVERY_MS: '1000' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const child = onboard;
    type Mark = { at: number; onboarding: number; sim: number; postgres: number };
    const mark = async (): Promise<Mark> => ({
      at: Date.now(),
      onboarding: cpuMsOf(child.pid!),
      sim: cpuMsOf(sim!.pid!),
      postgres: await postgresCpuMs(database.url),
    });
    const marks: { start?: Mark; end?: Mark } = {};
    let lastLine = '';
    let statements: Awaited<ReturnType<typeof readStatementStats>> | undefined;
    const phases = new Promise<void>((resolve, reject) => {
      let buf = '';
      let pending = Promise.resolve();
      child.stderr!.on('data', (b: Buffer) => {
        buf += b.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim()) lastLine = line.trim();
          if (/step 1 of 3/.test(line) && !marks.start)
            pending = pending.then(async () => {
              await resetStatementStats(database.url);
              marks.start = await mark();
            });
          else if (/step 2 of 3/.test(line) && !marks.end)
            pending = pending.then(async () => {
              marks.end = await mark();
              statements = await readStatementStats(database.url, { all: true });
              resolve();
            });
          else if (/consent checks and discovery scans: [\d,]+ of/.test(line)) log(`  ${line.trim()}`);
        }
      });
      child.on('exit', (code) => {
        void pending.then(() =>
          marks.end ? resolve() : reject(new Error(`rekey db onboard exited ${code} before step 2: ${lastLine}`)),
        );
      });
    });
    await phases;
    // SIGINT (with a profile, exit-on-sigint makes it a normal exit, so the profile is written).
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(kill);
    onboard = null;

    const { start, end } = marks as { start: Mark; end: Mark };
    const wallMs = end.at - start.at;
    const per = (a: number, b: number) => Math.round(((b - a) / tenants) * 10) / 10;
    const cpu = {
      onboarding: per(start.onboarding, end.onboarding),
      sim: per(start.sim, end.sim),
      postgres: per(start.postgres, end.postgres),
      total: 0,
    };
    cpu.total = Math.round((cpu.onboarding + cpu.sim + cpu.postgres) * 10) / 10;
    const targetMs = 120_000;
    return {
      name: 'onboarding',
      tenants,
      importMs,
      consentAndDiscovery: {
        wallMs,
        perSec: Math.round((tenants / (wallMs / 1000)) * 10) / 10,
        cpuMsPerTenant: cpu,
        statementsPerTenant: Math.round((statements!.calls / tenants) * 10) / 10,
        rowsWrittenPerTenant: Math.round((statements!.rowsWritten / tenants) * 10) / 10,
        topStatements: statements!.top
          .filter((t) => !t.nested)
          .map(({ query, calls, totalMs }) => ({ query, calls, totalMs })),
      },
      profile: profileDir ? summarizeProfiles(profileDir) : null,
      targets: { consentAndDiscoveryMs: targetMs },
      withinTarget: wallMs <= targetMs * (tenants / 10_000),
    };
  } finally {
    await stopProcess(onboard);
    await stopProcess(sim);
    await database.stop();
  }
}

export function format(r: OnboardingResult): string {
  const c = r.consentAndDiscovery;
  const lines = [
    `Onboarding ${r.tenants} tenants (simulator defaults: throttling, replication lag)`,
    `  import (db seed --onboard-later): ${(r.importMs / 1000).toFixed(1)} s`,
    `  consent checks + discovery scans: ${(c.wallMs / 1000).toFixed(1)} s = ${c.perSec} tenants/s ` +
      `(target ≤ ${r.targets.consentAndDiscoveryMs / 1000} s for 10,000: ${r.withinTarget ? 'met' : 'missed'})`,
    `  CPU per tenant: onboarding ${c.cpuMsPerTenant.onboarding} ms, simulator ${c.cpuMsPerTenant.sim} ms, ` +
      `PostgreSQL ${c.cpuMsPerTenant.postgres} ms = ${c.cpuMsPerTenant.total} ms`,
    `  database per tenant: ${c.statementsPerTenant} statements sent, ${c.rowsWrittenPerTenant} rows written; most called:`,
    ...c.topStatements
      .slice(0, 16)
      .map((t) => `    ${String(t.calls).padStart(7)} × ${String(t.totalMs).padStart(6)} ms  ${t.query}`),
  ];
  if (r.profile) {
    lines.push(`  onboarding process profile (${r.profile.totalMs} ms sampled):`);
    for (const [k, v] of Object.entries(r.profile.byComponent))
      lines.push(`    ${k.padEnd(14)} ${((v / r.profile.totalMs) * 100).toFixed(1)} %`);
    for (const t of r.profile.top) lines.push(`    ${t.share.toFixed(1).padStart(5)} %  ${t.fn}  ${t.where}`);
  }
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const [n] = positionalArgs();
  const r = await run(n ? Number(n) : undefined);
  process.stdout.write(`${format(r)}\n`);
  writeJsonResult(r);
}
