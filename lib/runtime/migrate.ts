/**
 * Applies committed migrations with `prisma migrate deploy` (Prisma 6's WASM schema engine via
 * prisma.config.ts). Idempotent: on an up-to-date database it changes nothing.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { RekeyError } from '@/lib/errors';

const root = path.resolve(import.meta.dirname, '..', '..');

export async function migrateDatabase(databaseUrl: string): Promise<{ applied: string[]; output: string }> {
  const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new RekeyError(
              'CONFIG',
              `Database migration failed: ${out.trim().split('\n').slice(-3).join(' ')}. Check that DATABASE_URL points to a reachable PostgreSQL the user may change.`,
            ),
          ),
    );
  });
  // `migrate deploy` lists what it applied as a tree: "└─ 20261129140450_init/" then "└─ migration.sql".
  const applied = [...output.matchAll(/└─\s*(\d{8,}_[\w-]+)\/?/g)].map((m) => m[1]!);
  return { applied, output };
}
