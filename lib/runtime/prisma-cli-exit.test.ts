/**
 * prisma/exit-when-done.cjs, preloaded into the Prisma CLI by lib/runtime/migrate.ts: a timer left
 * behind no longer holds the CLI open once its work is done, and timers still fire while something
 * (a socket, a query) keeps the process busy.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

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
