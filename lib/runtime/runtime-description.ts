/**
 * The runtime description: a small JSON file `npm start` writes under the data directory
 * (`<REKEY_DATA_DIR>/runtime.json`, mode 0600) once the stack is up, so that `rekey` in another
 * shell finds the running database and Microsoft 365 endpoints without any environment variable.
 *
 * It holds locations only — the embedded database's URL WITHOUT its password (never a DATABASE_URL
 * you configured) and the path of the file that holds the password (`pg.roles.json`, mode 0600),
 * the Entra/Graph endpoints, the management app's client id and the PATHS of its certificate and
 * key, the CA's path — never a password or key material. Whoever may read those files (the user
 * who ran `npm start`) gets the same access through the CLI, nobody else. Real deployments keep
 * configuring every process with environment variables, which always win over this file.
 * Reading it is liveness-checked: a file left behind by a stopped `npm start` is ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RekeyError } from '@/lib/errors';

export const RUNTIME_DESCRIPTION_FILE = 'runtime.json';

export const RuntimeDescriptionSchema = z.object({
  version: z.literal(1),
  /** The `npm start` process (its liveness says whether the description is current). */
  pid: z.number().int().positive(),
  startedAt: z.string(),
  /** The project directory `npm start` ran in. */
  rootDir: z.string(),
  dashboardUrl: z.string(),
  /** The embedded PostgreSQL without its password; null when `npm start` was given DATABASE_URL (not repeated here). */
  databaseUrl: z.string().nullable(),
  /** The file holding the embedded roles' passwords (`{ "<role>": { "user", "password" } }`, mode 0600). */
  databasePasswordFile: z.string().nullable().optional(),
  /**
   * The embedded PostgreSQL's data directory (null with DATABASE_URL): the owner role's password
   * is in the roles file beside it (mode 0600, never copied here), for `rekey db migrate`.
   */
  embeddedPgDataDir: z.string().nullable().optional(),
  /** Microsoft 365 wiring `npm start` gave its children (the simulator's, in the demo); null when configured by env. */
  microsoft365: z
    .object({
      authorityHost: z.string(),
      graphEndpoint: z.string(),
      managementAppClientId: z.string(),
      managementAppCertPath: z.string(),
      managementAppKeyPath: z.string(),
      homeTenantId: z.string().nullable(),
      /** The CA that issued the simulator's TLS certificate (NODE_EXTRA_CA_CERTS for CLI processes). */
      caPath: z.string().nullable(),
      demoManifestPath: z.string().nullable(),
    })
    .nullable(),
});
export type RuntimeDescription = z.infer<typeof RuntimeDescriptionSchema>;

export function runtimeDescriptionPath(dataDir: string): string {
  return path.join(dataDir, RUNTIME_DESCRIPTION_FILE);
}

/** Writes the file atomically (temporary file + rename) with mode 0600. Returns its path. */
export function writeRuntimeDescriptionFile(dataDir: string, description: RuntimeDescription): string {
  const file = runtimeDescriptionPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(RuntimeDescriptionSchema.parse(description), null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return file;
}

/**
 * What `npm start` (scripts/start.ts) writes once everything runs: built from the environment it
 * gave its children. `embeddedDatabase` says whether DATABASE_URL is the embedded server's.
 */
export function writeRuntimeDescription(opts: {
  dataDir: string;
  childEnv: NodeJS.ProcessEnv;
  /** The embedded database's roles file (its passwords) when DATABASE_URL is the embedded server's; else null. */
  embeddedDatabase: { passwordFile: string } | null;
  /** The embedded PostgreSQL's data directory, when `embeddedDatabase`. */
  embeddedPgDataDir?: string | null;
  port: number;
  rootDir: string;
}): string {
  const e = opts.childEnv;
  const sim =
    e.REKEY_MGMT_CLIENT_ID && e.REKEY_MGMT_CERT_PATH && e.REKEY_MGMT_KEY_PATH && e.REKEY_AUTHORITY_HOST
      ? {
          authorityHost: e.REKEY_AUTHORITY_HOST,
          graphEndpoint: e.REKEY_GRAPH_ENDPOINT ?? e.REKEY_AUTHORITY_HOST,
          managementAppClientId: e.REKEY_MGMT_CLIENT_ID,
          managementAppCertPath: path.resolve(e.REKEY_MGMT_CERT_PATH),
          managementAppKeyPath: path.resolve(e.REKEY_MGMT_KEY_PATH),
          homeTenantId: e.REKEY_HOME_TENANT ?? null,
          caPath: e.NODE_EXTRA_CA_CERTS ? path.resolve(e.NODE_EXTRA_CA_CERTS) : null,
          demoManifestPath: e.REKEY_DEMO_MANIFEST ? path.resolve(e.REKEY_DEMO_MANIFEST) : null,
        }
      : null;
  // Only what start.ts itself set up: configuration that came from the operator's own environment
  // stays there (the CLI gets it the same way).
  const fromOperator = Boolean(process.env.REKEY_MGMT_CLIENT_ID);
  return writeRuntimeDescriptionFile(opts.dataDir, {
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    rootDir: opts.rootDir,
    dashboardUrl: e.REKEY_PUBLIC_URL ?? `http://localhost:${opts.port}`,
    databaseUrl: opts.embeddedDatabase && e.DATABASE_URL ? withoutPassword(e.DATABASE_URL) : null,
    databasePasswordFile: opts.embeddedDatabase ? path.resolve(opts.embeddedDatabase.passwordFile) : null,
    embeddedPgDataDir: opts.embeddedDatabase ? (opts.embeddedPgDataDir ?? null) : null,
    microsoft365: fromOperator ? null : sim,
  });
}

function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

/**
 * The description's database URL with the password put back from the file it names (the user who
 * ran `npm start` can read it; anyone else gets one line saying so). Null: no embedded database.
 */
export function describedDatabaseUrl(d: RuntimeDescription): string | null {
  if (!d.databaseUrl) return null;
  if (!d.databasePasswordFile) return d.databaseUrl;
  const file = d.databasePasswordFile;
  const u = new URL(d.databaseUrl);
  const user = decodeURIComponent(u.username);
  let roles: unknown;
  try {
    roles = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RekeyError(
      'CONFIG',
      code === 'EACCES'
        ? `Cannot read ${file}, which holds the running database's password: run rekey as the user who ran npm start.`
        : `Cannot read ${file}, which holds the running database's password (${code ?? (e as Error).message}).`,
    );
  }
  const entry = Object.values((roles ?? {}) as Record<string, { user?: unknown; password?: unknown }>).find(
    (r) => r?.user === user,
  );
  if (typeof entry?.password !== 'string')
    throw new RekeyError('CONFIG', `${file} has no password for the database role ${user}; restart npm start.`);
  u.password = encodeURIComponent(entry.password);
  return u.toString();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ReadRuntimeDescription =
  | { state: 'running'; file: string; description: RuntimeDescription }
  | { state: 'stopped' | 'missing' | 'unreadable'; file: string; reason: string };

/** The description under `dataDir`, if `npm start` wrote one and its process still runs. */
export function readRuntimeDescription(dataDir: string): ReadRuntimeDescription {
  const file = runtimeDescriptionPath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { state: 'missing', file, reason: `no ${file}` };
  }
  let parsed;
  try {
    parsed = RuntimeDescriptionSchema.safeParse(JSON.parse(text));
  } catch (e) {
    return { state: 'unreadable', file, reason: `${file} is not JSON (${(e as Error).message})` };
  }
  if (!parsed.success) return { state: 'unreadable', file, reason: `${file} is not a runtime description` };
  if (!alive(parsed.data.pid))
    return { state: 'stopped', file, reason: `the npm start that wrote ${file} (pid ${parsed.data.pid}) has stopped` };
  return { state: 'running', file, description: parsed.data };
}
