/**
 * `npm start`: everything Rekey needs, in one command, on a fresh machine.
 *
 * - No DATABASE_URL → an embedded PostgreSQL under REKEY_DATA_DIR (default .data/pg).
 * - Migrations applied (`prisma migrate deploy`, a no-op when up to date).
 * - No Microsoft 365 configuration (REKEY_MGMT_CLIENT_ID) → the local Microsoft 365 simulator
 *   (sim/) with a demo fleet; Rekey is pointed at it only through environment variables, exactly
 *   as it would be pointed at a national cloud.
 * - Demo data seeded once; the Next.js production build made when missing; then `next start`
 *   and the job worker as child processes. Ctrl-C stops everything cleanly; data persists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { parseEnv } from '@/lib/env';
import { isRekeyError } from '@/lib/errors';
import {
  ensureDatabase,
  resolveDataDir,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '@/lib/runtime/embedded-postgres';
import { migrateDatabase } from '@/lib/runtime/migrate';
import { writeRuntimeDescription } from '@/lib/runtime/runtime-description';

const root = path.resolve(import.meta.dirname, '..');
const dev = process.argv.includes('--dev');
const children: ChildProcess[] = [];
let pgHandle: EmbeddedPostgresHandle | undefined;
let stopping = false;

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

function run(name: string, args: string[], env: NodeJS.ProcessEnv, opts: { wait?: boolean } = {}): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!opts.wait) {
    children.push(child);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        say(`${name} exited (${signal ?? code}); stopping Rekey.`);
        void shutdown(code ?? 1);
      }
    });
  }
  return child;
}

function runToEnd(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = run(name, args, env, { wait: true });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed with exit code ${code}`))));
  });
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    await pgHandle?.stop().catch(() => undefined);
  }
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

/** Waits until the simulator accepts connections. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
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
    if (child.exitCode !== null) throw new Error(`the simulator exited (${child.exitCode}) before it was ready`);
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for the simulator on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const env = parseEnv();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', REKEY_DATA_DIR: env.dataDir };
  fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o755 });

  // 1. Database.
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const { dir, relocated } = resolveDataDir(path.join(env.dataDir, 'pg'));
    if (relocated)
      say(
        `PostgreSQL cannot run from ${env.dataDir} as root here (a parent directory is private); its data lives in ${dir}.`,
      );
    say(`starting the embedded PostgreSQL on port ${env.REKEY_PG_PORT} (data in ${dir})`);
    pgHandle = await startEmbeddedPostgres({ dataDir: dir, port: env.REKEY_PG_PORT });
    await ensureDatabase(pgHandle.urlFor('postgres'), 'rekey');
    databaseUrl = pgHandle.urlFor('rekey');
  }
  childEnv.DATABASE_URL = databaseUrl;
  const { applied } = await migrateDatabase(databaseUrl);
  say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

  // 2. Microsoft 365: real (configured) or the local simulator.
  const useSim = env.REKEY_SIM === 'on' || (env.REKEY_SIM === 'auto' && !env.REKEY_MGMT_CLIENT_ID);
  if (useSim) {
    if (!(await portFree(env.REKEY_SIM_PORT))) {
      throw new Error(
        `Port ${env.REKEY_SIM_PORT} (the Microsoft 365 simulator) is in use. Stop what listens there or set REKEY_SIM_PORT.`,
      );
    }
    const simDir = path.join(env.dataDir, 'sim');
    const manifestPath = path.join(simDir, 'fleet.json');
    say(
      `starting the Microsoft 365 simulator on https://localhost:${env.REKEY_SIM_PORT} (demo fleet of ${env.REKEY_SIM_TENANTS} tenants)`,
    );
    const sim = run(
      'simulator',
      [
        path.join(root, 'node_modules/tsx/dist/cli.mjs'),
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
      ],
      childEnv,
    );
    await waitForPort(env.REKEY_SIM_PORT, sim, 120_000);
    await simHealth(env.REKEY_SIM_PORT, path.join(simDir, 'ca.pem'));
    // Only what a real deployment would configure: the management app and where Entra/Graph are.
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
      managementApp: { appId: string; certificatePath: string; privateKeyPath: string; homeTenantId: string };
      caPemPath: string;
    };
    Object.assign(childEnv, {
      REKEY_AUTHORITY_HOST: `https://localhost:${env.REKEY_SIM_PORT}`,
      REKEY_GRAPH_ENDPOINT: `https://localhost:${env.REKEY_SIM_PORT}`,
      REKEY_MGMT_CLIENT_ID: manifest.managementApp.appId,
      REKEY_MGMT_CERT_PATH: manifest.managementApp.certificatePath,
      REKEY_MGMT_KEY_PATH: manifest.managementApp.privateKeyPath,
      REKEY_HOME_TENANT: manifest.managementApp.homeTenantId,
      REKEY_DEMO_MANIFEST: manifestPath,
      NODE_EXTRA_CA_CERTS: manifest.caPemPath,
    });
  }

  // 3. Demo data, once.
  await runToEnd(
    'seed',
    [
      path.join(root, 'node_modules/tsx/dist/cli.mjs'),
      path.join(root, 'cli/main-entry.ts'),
      'db',
      'seed',
      '--if-empty',
    ],
    childEnv,
  );

  // 4. The web app.
  if (!(await portFree(env.PORT))) throw new Error(`Port ${env.PORT} is in use. Stop what listens there or set PORT.`);
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  if (!dev && !fs.existsSync(path.join(root, process.env.REKEY_NEXT_DIST_DIR || '.next', 'BUILD_ID'))) {
    say('building the dashboard (first start only, about a minute)…');
    await runToEnd('next build', [nextBin, 'build'], childEnv);
  }
  run('next', [nextBin, dev ? 'dev' : 'start', '-p', String(env.PORT)], childEnv);

  // 5. The job worker (rotations, campaigns, scans), unless it runs elsewhere.
  if (env.REKEY_WORKER === 'inline' && fs.existsSync(path.join(root, 'cli/commands/worker.ts'))) {
    // Several processes share the queues (SKIP LOCKED) and the rotations (advisory locks).
    for (let i = 0; i < env.REKEY_WORKER_PROCESSES; i++) {
      run(
        env.REKEY_WORKER_PROCESSES > 1 ? `worker ${i + 1}` : 'worker',
        [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'cli/main-entry.ts'), 'worker'],
        childEnv,
      );
    }
  }
  // The CLI in another shell finds this stack through it (lib/runtime/runtime-description.ts).
  writeRuntimeDescription({
    dataDir: env.dataDir,
    childEnv,
    embeddedDatabase: Boolean(pgHandle),
    port: env.PORT,
    rootDir: root,
  });
  say(`Rekey is running at http://localhost:${env.PORT}  (Ctrl-C to stop)`);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch(async (e: unknown) => {
  say(`error: ${isRekeyError(e) ? e.message : (e as Error).message}`);
  await shutdown(1);
});
