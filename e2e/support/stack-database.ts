/**
 * The database of the stack the e2e run started, read as npm start describes it: runtime.json holds
 * the URL without its password and names the file that holds the password (mode 0600).
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

interface RuntimeDatabase {
  databaseUrl: string;
  databasePasswordFile: string;
}

/** The application role's connection string, with its password from the roles file. */
export function stackDatabaseUrl(dataDir: string): string {
  const r = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeDatabase;
  const url = new URL(r.databaseUrl);
  const roles = JSON.parse(fs.readFileSync(r.databasePasswordFile, 'utf8')) as Record<
    string,
    { user: string; password: string }
  >;
  const entry = Object.values(roles).find((x) => x.user === decodeURIComponent(url.username));
  if (!entry) throw new Error(`${r.databasePasswordFile} has no password for ${url.username}`);
  url.password = encodeURIComponent(entry.password);
  return url.toString();
}

/** One query on the stack's database. */
export async function queryStack<T>(dataDir: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stackDatabaseUrl(dataDir) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
