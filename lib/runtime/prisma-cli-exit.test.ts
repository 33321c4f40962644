/**
 * prisma/exit-when-done.cjs, preloaded into the Prisma CLI by lib/runtime/migrate.ts: a timer left
 * behind no longer holds the CLI open once its work is done, and timers still fire while something
 * (a socket, a query) keeps the process busy. Success is read from the CLI's output, not its exit
 * code alone.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateDeploySucceeded } from '@/lib/runtime/migrate';

const preload = path.resolve(import.meta.dirname, '..', '..', 'prisma', 'exit-when-done.cjs');

function node(script: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', preload, '-e', script], { timeout: 20_000 }, (err, stdout) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout }),
    );
  });
}

describe('prisma/exit-when-done.cjs', () => {
  it('lets the process end with a long timer still pending (it never fires)', async () => {
    const r = await node(
      `setTimeout(() => { console.log('fired'); process.exitCode = 3; }, 60_000); console.log('done')`,
    );
    expect(r).toEqual({ code: 0, stdout: 'done\n' });
  });

  it('still fires timers while a socket keeps the process alive', async () => {
    const r = await node(
      `const s = require('node:net').createServer().listen(0, '127.0.0.1'); setTimeout(() => { console.log('fired'); s.close(); }, 50);`,
    );
    expect(r).toEqual({ code: 0, stdout: 'fired\n' });
  });
});

describe('migrateDeploySucceeded', () => {
  it("needs migrate deploy's own last words, not only its exit code", () => {
    expect(migrateDeploySucceeded('Datasource "db": PostgreSQL\n\nNo pending migrations to apply.\n')).toBe(true);
    expect(
      migrateDeploySucceeded(
        'Applying migration `20261129140450_init`\n└─ 20261129140450_init/\n\nAll migrations have been successfully applied.\n',
      ),
    ).toBe(true);
    expect(migrateDeploySucceeded('Datasource "db": PostgreSQL\n')).toBe(false);
    expect(migrateDeploySucceeded('')).toBe(false);
  });
});
