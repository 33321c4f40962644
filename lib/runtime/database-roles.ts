/**
 * Two database roles (ADR 017). The *owner* owns every table: Prisma migrations and pg-boss's
 * schema migrations run as it, at start-up. The web app and the workers connect as the
 * *application* role, which owns nothing and holds only the privileges granted here: read and
 * write the tables, but only read and append to the audit log and its checkpoints. Owning nothing,
 * it cannot `ALTER TABLE … DISABLE TRIGGER`, drop a table or change the schema.
 *
 * Grants are re-applied after every migration (idempotent), so tables added later are covered.
 */
import pg from 'pg';
import { RekeyError } from '@/lib/errors';
import { JOB_SCHEMA } from '@/lib/jobs/job-queues';

/** Tables the application may read and append to, never change: UPDATE, DELETE, TRUNCATE refused. */
export const APPEND_ONLY_TABLES = ['AuditEvent', 'AuditCheckpoint'] as const;

/** Tables the application never touches. */
const OWNER_ONLY_TABLES = ['_prisma_migrations'] as const;

export const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function roleOf(url: string): string {
  const user = decodeURIComponent(new URL(url).username);
  if (!user) throw new RekeyError('CONFIG', 'The database URL names no user (postgres://USER:PASSWORD@host/db).');
  return user;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates the application role (LOGIN, no other attribute) or resets its password. Needs a
 * connection allowed to create roles (the embedded cluster's superuser).
 */
export async function ensureLoginRole(adminUrl: string, role: string, password: string): Promise<void> {
  await withClient(adminUrl, async (c) => {
    const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const verb = exists.rowCount ? 'ALTER' : 'CREATE';
    await c.query(
      `${verb} ROLE ${ident(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(password)}`,
    );
  });
}

/** Changes a role's password (nothing else). */
export async function setRolePassword(adminUrl: string, role: string, password: string): Promise<void> {
  await withClient(adminUrl, (c) => c.query(`ALTER ROLE ${ident(role)} WITH PASSWORD ${literal(password)}`));
}

/**
 * Grants `appRole` what the application needs on the database `ownerUrl` points at, and nothing
 * more. Run as the owner after migrations. A no-op when the app connects as the owner itself
 * (one role: there is nothing to separate).
 */
export async function grantApplicationPrivileges(ownerUrl: string, appRole: string): Promise<void> {
  if (appRole === roleOf(ownerUrl)) return;
  await withClient(ownerUrl, async (c) => {
    const db = (await c.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    const app = ident(appRole);
    const hasJobs = (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [JOB_SCHEMA])).rowCount;
    const schemas = ['public', ...(hasJobs ? [JOB_SCHEMA] : [])].map(ident);
    const statements = [
      `GRANT CONNECT, TEMPORARY ON DATABASE ${ident(db)} TO ${app}`,
      ...schemas.flatMap((s) => [
        `REVOKE CREATE ON SCHEMA ${s} FROM ${app}`,
        `GRANT USAGE ON SCHEMA ${s} TO ${app}`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${app}`,
        `REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA ${s} FROM ${app}`,
        `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${s} TO ${app}`,
      ]),
      ...APPEND_ONLY_TABLES.map((t) => `REVOKE UPDATE, DELETE, TRUNCATE ON ${ident(t)} FROM ${app}`),
      ...OWNER_ONLY_TABLES.map((t) => `REVOKE ALL ON ${ident(t)} FROM ${app}`),
    ];
    await c.query('BEGIN');
    try {
      for (const s of statements) await c.query(s);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw new RekeyError(
        'CONFIG',
        `Could not grant the application role ${appRole} its privileges: ${(e as Error).message}. DATABASE_MIGRATE_URL must name the role that owns Rekey's tables.`,
      );
    }
  });
}

/** Whether `url`'s role owns the schema's tables (i.e. is not a separate application role). */
export async function ownsTables(url: string): Promise<boolean> {
  return withClient(url, async (c) => {
    const r = await c.query<{ owns: boolean }>(
      `SELECT pg_has_role(current_user, tableowner, 'USAGE') AS owns FROM pg_tables WHERE schemaname = 'public' AND tablename = 'AuditEvent'`,
    );
    return r.rows[0]?.owns ?? false;
  });
}
