/**
 * `npm start`'s stack: everything Rekey needs, in one command, on a fresh machine. Started by
 * scripts/start.ts in a process group of its own (so a terminal's Ctrl-C reaches only that
 * launcher, which passes on one SIGTERM); stops on SIGTERM, SIGINT or SIGHUP, or when the
 * launcher goes away.
 *
 * - No DATABASE_URL → an embedded PostgreSQL under REKEY_DATA_DIR (default .data/pg) with two
 *   roles: the owner runs the migrations, the web app and the workers connect as a role that owns
 *   nothing (ADR 017). With DATABASE_URL: that database, migrated as DATABASE_MIGRATE_URL's role.
 * - Migrations applied (Prisma, pg-boss's schema and queues, the application role's grants).
 * - The vault's master key must open the private keys already stored (never a silent new key).
 * - No Microsoft 365 configuration (REKEY_MGMT_CLIENT_ID) → the local Microsoft 365 simulator
 *   (sim/) with a demo fleet; Rekey is pointed at it only through environment variables, exactly
 *   as it would be pointed at a national cloud. A real management app needs REKEY_PUBLIC_URL.
 * - Demo data seeded once; the Next.js production build made when missing; then `next start` on a
 *   loopback port behind the front listener on PORT (the client address, ADR 019) and the job
 *   workers, all supervised: a child that exits is restarted with backoff while the rest keeps
 *   running, and a crash loop is reported to admins. Ctrl-C stops everything cleanly and in order
 *   (the front listener and web server, the workers, the simulator, then PostgreSQL); data persists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { parseEnv, workerNodeArgs, type Env } from '@/lib/env';
import { isRekeyError, RekeyError } from '@/lib/errors';
import type { CheckpointFileWriter } from '@/lib/audit/checkpoint-file';
import type { Heartbeat } from '@/lib/ops/process-heartbeat';
import { ownsTables, roleOf } from '@/lib/runtime/database-roles';
import { openEmbeddedDatabase, resolveDataDir, type EmbeddedPostgresHandle } from '@/lib/runtime/embedded-postgres';
import { embeddedRolesFile } from '@/lib/runtime/embedded-roles';
import { freePort } from '@/lib/runtime/free-port';
import { migrateDatabase } from '@/lib/runtime/migrate';
import { writeRuntimeDescription } from '@/lib/runtime/runtime-description';
import { startFrontListener } from './front-listener';
import { Supervisor } from './supervise';

const root = path.resolve(import.meta.dirname, '..');
const dev = process.argv.includes('--dev');
/** TypeScript children run as one node process each (tsx as a loader, not its CLI wrapper), so a
 *  child's pid is the process that does the work: signals and restarts reach it directly. */
const tsx = ['--import', 'tsx'];
let pgHandle: EmbeddedPostgresHandle | undefined;
let embeddedPgDataDir: string | null = null;
let front: http.Server | undefined;
/** The demo fleet's onboarding, while it runs behind the dashboard. */
let onboarding: ChildProcess | undefined;
let heartbeat: Heartbeat | undefined;
let checkpointFile: CheckpointFileWriter | undefined;
let stopping = false;
const supervisor = new Supervisor({
  log: say,
  onChange: (status) => {
    if (!stopping) void heartbeat?.update({ children: status }).catch(() => undefined);
  },
});

function say(msg: string): void {
  process.stderr.write(`[rekey] ${msg}\n`);
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, () => s.close(() => resolve(true)));
  });
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
}

function runToEnd(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnNode(args, env);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed with exit code ${code}`))));
  });
}

async function shutdown(code: number, why?: string): Promise<void> {
  // A second signal while stopping changes nothing: the first shutdown finishes and exits.
  if (stopping) return;
  stopping = true;
  if (why) say(why);
  if (front) {
    // No new connections; idle keep-alive ones closed now, requests in flight get 5 s.
    const closed = new Promise<void>((r) => front!.close(() => r()));
    front.closeIdleConnections();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())]);
    front.closeAllConnections();
  }
  if (onboarding) {
    // Interrupted onboarding resumes on the next start (its phases are idempotent).
    const child = onboarding;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  }
  await supervisor.stop();
  await checkpointFile?.stop().catch(() => undefined);
  await heartbeat?.stop().catch(() => undefined);
  if (pgHandle) {
    say('stopping PostgreSQL');
    await pgHandle.stop().catch(() => undefined);
  }
  say('stopped');
  process.exit(code);
}

/** Seeding runs right after the simulator starts listening; its health answer comes after it. */
async function simHealth(port: number, caPath: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = https.get(
      { host: 'localhost', port, path: '/_sim/health', ca: fs.readFileSync(caPath), timeout: 120_000 },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`the simulator answered ${res.statusCode} to its health check`)),
        );
      },
    );
    req.on('error', reject);
  });
}

/** Waits until `child` accepts connections on `port` (127.0.0.1). */
async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs: number): Promise<void> {
  const start = Date.now();
  const open = () =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  while (!(await open())) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.signalCode ?? child.exitCode}) before it was ready`);
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what} on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Checks that need nothing running: a real management app needs a public URL. */
function checkConfiguration(env: Env, useSim: boolean): void {
  if (!useSim && !env.REKEY_PUBLIC_URL) {
    throw new RekeyError(
      'CONFIG',
      'REKEY_PUBLIC_URL is not set. With a real management app (REKEY_MGMT_CLIENT_ID) Rekey needs the address people use ' +
        'to reach it (e.g. https://rekey.example.com): sign-in redirects and links in notifications are built from it, ' +
        'never from the Host header of a request.',
    );
  }
}

/** 1. The database: the application role's URL and the owner's. */
async function openDatabase(env: Env): Promise<{ url: string; migrateUrl: string }> {
  if (env.DATABASE_URL) {
    const migrateUrl = env.DATABASE_MIGRATE_URL ?? env.DATABASE_URL;
    if (!env.DATABASE_MIGRATE_URL || roleOf(migrateUrl) === roleOf(env.DATABASE_URL))
      say(
        `the web app and workers connect as ${roleOf(env.DATABASE_URL)}, the role that runs migrations; ` +
          'for an audit log that role cannot rewrite, give them a role that owns nothing in DATABASE_URL and the owner in DATABASE_MIGRATE_URL (README, Configuration).',
      );
    return { url: env.DATABASE_URL, migrateUrl };
  }
  const { dir, relocated } = resolveDataDir(path.join(env.dataDir, 'pg'));
  if (relocated)
    say(
      `PostgreSQL cannot run from ${env.dataDir} as root here (a parent directory is private); its data lives in ${dir}.`,
    );
  say(`starting the embedded PostgreSQL on port ${env.REKEY_PG_PORT} (data in ${dir})`);
  // The app and workers reach it over its Unix-domain socket: no loopback TCP per statement (ADR 037).
  const opened = await openEmbeddedDatabase({ dataDir: dir, port: env.REKEY_PG_PORT, socket: true });
  pgHandle = opened.handle;
  embeddedPgDataDir = dir;
  return { url: opened.url, migrateUrl: opened.migrateUrl };
}

async function main(): Promise<void> {
  const env = parseEnv();
  const useSim = env.REKEY_SIM === 'on' || (env.REKEY_SIM === 'auto' && !env.REKEY_MGMT_CLIENT_ID);
  checkConfiguration(env, useSim);
  // Children never see the owner's connection string.
  const { DATABASE_MIGRATE_URL: _owner, ...inherited } = process.env;
  const childEnv: NodeJS.ProcessEnv = { ...inherited, NEXT_TELEMETRY_DISABLED: '1', REKEY_DATA_DIR: env.dataDir };
  fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o755 });

  // 1. Database, migrated by its owner.
  const database = await openDatabase(env);
  childEnv.DATABASE_URL = database.url;
  const { applied } = await migrateDatabase(database.url, { migrateUrl: database.migrateUrl });
  say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
  if (env.DATABASE_URL && env.DATABASE_MIGRATE_URL && (await ownsTables(database.url)))
    say(`warning: ${roleOf(database.url)} (DATABASE_URL) owns Rekey's tables, so it could alter the audit log.`);

  // 1b. The vault's master key opens the keys already sealed (never a silent new key).
  const { assertMasterKeyOpensVault } = await import('@/lib/vault/check-master-key');
  await assertMasterKeyOpensVault(database.url, env);

  const { startHeartbeat } = await import('@/lib/ops/process-heartbeat');
  heartbeat = await startHeartbeat({
    connectionString: database.url,
    kind: 'supervisor',
    detail: { children: [] },
    onError: (e) => {
      if (!stopping) say(`could not record the supervisor's heartbeat: ${e.message}`);
    },
  });

  // 1c. Audit checkpoints also appended to a file, when configured (ADR 018).
  if (env.REKEY_AUDIT_CHECKPOINT_FILE) {
    const { startCheckpointFileWriter } = await import('@/lib/audit/checkpoint-file');
    checkpointFile = await startCheckpointFileWriter({
      connectionString: database.url,
      file: env.REKEY_AUDIT_CHECKPOINT_FILE,
      onError: (e) => {
        if (!stopping) say(`could not append audit checkpoints to ${env.REKEY_AUDIT_CHECKPOINT_FILE}: ${e.message}`);
      },
    });
    say(`audit checkpoints are also appended to ${path.resolve(env.REKEY_AUDIT_CHECKPOINT_FILE)}`);
  }

  // 2. Microsoft 365: real (configured) or the local simulator.
  if (useSim) {
    if (!(await portFree(env.REKEY_SIM_PORT))) {
      throw new Error(
        `Port ${env.REKEY_SIM_PORT} (the Microsoft 365 simulator) is in use. Stop what listens there or set REKEY_SIM_PORT.`,
      );
    }
    const simDir = path.join(env.dataDir, 'sim');
    const publicBase = (env.REKEY_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
    const manifestPath = path.join(simDir, 'fleet.json');
    say(
      `starting the Microsoft 365 simulator on https://localhost:${env.REKEY_SIM_PORT} (demo fleet of ${env.REKEY_SIM_TENANTS} tenants)`,
    );
    const simArgs = [
      ...tsx,
      path.join(root, 'sim/cli.ts'),
      '--port',
      String(env.REKEY_SIM_PORT),
      '--data-dir',
      simDir,
      '--seed',
      'demo',
      '--tenants',
      String(env.REKEY_SIM_TENANTS),
      '--quiet',
      // Registered on the demo management app, as an operator registers them on a real one (README:
      // Permissions): sign-in and admin consent then need an exact match, as in Entra ID.
      '--redirect-uri',
      `${publicBase}/auth/callback`,
      '--redirect-uri',
      `${publicBase}/tenants/consent-callback`,
    ];
    const simEnv = { ...childEnv };
    await supervisor.add({
      name: 'simulator',
      stopOrder: 2,
      start: () => spawnNode(simArgs, simEnv),
      ready: async (child) => {
        await waitForPort(env.REKEY_SIM_PORT, child, 'the simulator', 120_000);
        await simHealth(env.REKEY_SIM_PORT, path.join(simDir, 'ca.pem'));
      },
    });
    // Only what a real deployment would configure: the management app and where Entra/Graph are.
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
      managementApp: { appId: string; certificatePath: string; privateKeyPath: string; homeTenantId: string };
      delegatedApp?: { appId: string; certificatePath: string; privateKeyPath: string };
      caPemPath: string;
    };
    Object.assign(childEnv, {
      REKEY_AUTHORITY_HOST: `https://localhost:${env.REKEY_SIM_PORT}`,
      REKEY_GRAPH_ENDPOINT: `https://localhost:${env.REKEY_SIM_PORT}`,
      REKEY_MGMT_CLIENT_ID: manifest.managementApp.appId,
      REKEY_MGMT_CERT_PATH: manifest.managementApp.certificatePath,
      REKEY_MGMT_KEY_PATH: manifest.managementApp.privateKeyPath,
      REKEY_HOME_TENANT: manifest.managementApp.homeTenantId,
      ...(manifest.delegatedApp
        ? {
            REKEY_DELEGATED_CLIENT_ID: manifest.delegatedApp.appId,
            REKEY_DELEGATED_CERT_PATH: manifest.delegatedApp.certificatePath,
            REKEY_DELEGATED_KEY_PATH: manifest.delegatedApp.privateKeyPath,
          }
        : {}),
      REKEY_DEMO_MANIFEST: manifestPath,
      NODE_EXTRA_CA_CERTS: manifest.caPemPath,
    });
  }

  // 3. Demo data, once (the seed command migrates first: it gets the owner for that). It runs while
  //    the web app and the workers start (the schema is already migrated, step 1): the dashboard
  //    answers during a 10,000-tenant import instead of after it, and its banner says the import
  //    runs. The demo fleet's consent checks and scans follow it, behind the dashboard (step 6).
  const seeding = runToEnd(
    'seed',
    [...tsx, path.join(root, 'cli/main-entry.ts'), 'db', 'seed', '--if-empty', '--onboard-later'],
    {
      ...childEnv,
      DATABASE_MIGRATE_URL: database.migrateUrl,
    },
  );
  seeding.catch(() => undefined); // awaited (and its failure reported) in step 6

  // 4. The web app: `next start` on a loopback port, the front listener on PORT.
  if (!(await portFree(env.PORT))) throw new Error(`Port ${env.PORT} is in use. Stop what listens there or set PORT.`);
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  if (!dev && !fs.existsSync(path.join(root, process.env.REKEY_NEXT_DIST_DIR || '.next', 'BUILD_ID'))) {
    say('building the dashboard (first start only, about a minute)…');
    await runToEnd('next build', [nextBin, 'build'], childEnv);
  }
  const nextPort = await freePort();
  const token = randomBytes(32).toString('base64url');
  const webEnv = { ...childEnv, REKEY_FRONT_TOKEN: token, REKEY_PUBLIC_PORT: String(env.PORT) };
  await supervisor.add({
    name: 'web',
    stopOrder: 0,
    start: () => spawnNode([nextBin, dev ? 'dev' : 'start', '-p', String(nextPort), '-H', '127.0.0.1'], webEnv),
    ready: (child) => waitForPort(nextPort, child, 'the web server', 120_000),
  });
  front = await startFrontListener({
    port: env.PORT,
    upstreamPort: nextPort,
    trustProxy: env.REKEY_TRUST_PROXY,
    token,
    log: say,
  });

  // 5. The job workers (rotations, campaigns, scans), unless they run elsewhere.
  if (env.REKEY_WORKER === 'inline' && fs.existsSync(path.join(root, 'cli/commands/worker.ts'))) {
    // Several processes share the queues (SKIP LOCKED) and the rotations (advisory locks).
    for (let i = 0; i < env.REKEY_WORKER_PROCESSES; i++) {
      await supervisor.add({
        name: env.REKEY_WORKER_PROCESSES > 1 ? `worker ${i + 1}` : 'worker',
        stopOrder: 1,
        start: () =>
          spawnNode(
            [...workerNodeArgs(env.REKEY_WORKER_HEAP_MB), ...tsx, path.join(root, 'cli/main-entry.ts'), 'worker'],
            childEnv,
          ),
      });
    }
  }
  // The CLI in another shell finds this stack through it (lib/runtime/runtime-description.ts).
  writeRuntimeDescription({
    dataDir: env.dataDir,
    childEnv,
    embeddedDatabase: pgHandle && embeddedPgDataDir ? { passwordFile: embeddedRolesFile(embeddedPgDataDir) } : null,
    embeddedPgDataDir,
    port: env.PORT,
    rootDir: root,
  });
  say(`Rekey is running at ${env.REKEY_PUBLIC_URL ?? `http://localhost:${env.PORT}`}  (Ctrl-C to stop)`);

  // 6. The demo fleet's onboarding (consent checks, discovery, sign-in evidence), when pending: the
  //    dashboard is already up and shows its progress in a banner; a restart resumes it.
  await seeding;
  if (useSim) {
    // A larger pool than the default 10: tenants in flight are bounded by it (demo/seed-demo-fleet.ts).
    const child = spawnNode([...tsx, path.join(root, 'cli/main-entry.ts'), 'db', 'onboard'], {
      ...childEnv,
      REKEY_DB_POOL: childEnv.REKEY_DB_POOL ?? '24',
    });
    onboarding = child;
    child.on('exit', (code, signal) => {
      onboarding = undefined;
      if (!stopping && code !== 0)
        say(`the demo fleet's onboarding stopped (${signal ?? `exit code ${code}`}); it resumes on the next start`);
    });
  }
}

// Only our handlers: embedded-postgres installs async-exit-hook, which on a signal stops
// PostgreSQL at once and exits 130 — before the web server and the workers have stopped.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  for (const l of process.listeners(signal)) process.off(signal, l as (s: NodeJS.Signals) => void);
  process.on(signal, () => void shutdown(0, `${signal}: stopping`));
}
// Started by scripts/start.ts with an IPC channel: if the launcher dies (even kill -9), stop too.
process.on('disconnect', () => void shutdown(0, 'npm start went away: stopping'));
main().catch(async (e: unknown) => {
  say(`error: ${isRekeyError(e) ? e.message : (e as Error).message}`);
  await shutdown(1);
});
