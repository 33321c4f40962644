/**
 * `npm start`'s stack from nothing (scripts/stack.ts, its own embedded PostgreSQL, simulator, the
 * production build, workers): the dashboard answers while the demo fleet is still being imported
 * and onboarded — never after it — and the onboarding then finishes behind it, with progress lines
 * in the terminal. (The banner itself, appearing and going away by itself on an open page, is
 * e2e/onboarding.spec.ts.) In the chaos suite because it needs `next build` (npm test builds
 * before this suite) and takes minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@/lib/runtime/free-port';
import { queryStack } from '@/e2e/support/stack-database';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-stack-'));
let stack: ChildProcess | undefined;
let log = '';

afterAll(async () => {
  if (stack && stack.exitCode === null) {
    const exited = new Promise((r) => stack!.once('exit', r));
    stack.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Any HTTP answer (a redirect to sign-in counts), or null when nothing listens yet. */
function answer(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => {
      req.destroy();
      resolve(null);
    });
  });
}

interface Progress {
  phase: string;
  done: number;
  total: number;
  finishedAt: string | null;
  error: string | null;
}
const progress = async (): Promise<Progress | null> =>
  (await queryStack<{ value: Progress }>(dataDir, `SELECT value FROM "Setting" WHERE key = 'onboarding.progress'`))[0]
    ?.value ?? null;

const until = async <T>(what: string, ms: number, probe: () => Promise<T | null>): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null) return v;
    if (stack?.exitCode !== null) throw new Error(`the stack exited (${stack?.exitCode}) before ${what}:\n${log}`);
    if (Date.now() > deadline) throw new Error(`no ${what} in ${ms / 1000} s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

describe('npm start on a fresh machine', () => {
  it('serves the dashboard while the demo fleet is still onboarding, which then finishes behind it', async () => {
    const port = await freePort();
    // A shell's environment: nothing of the test run's database, simulator or CA.
    const env: NodeJS.ProcessEnv = {
      ...({} as NodeJS.ProcessEnv), // NODE_ENV stays unset, as in a shell
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      REKEY_PG_PORT: String(await freePort()),
      REKEY_SIM_PORT: String(await freePort()),
      REKEY_DATA_DIR: dataDir,
      REKEY_SIM_TENANTS: '400',
      REKEY_PROGRESS_EVERY_MS: '1000',
      ...(process.env.REKEY_NEXT_DIST_DIR ? { REKEY_NEXT_DIST_DIR: process.env.REKEY_NEXT_DIST_DIR } : {}),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/stack.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack = child;
    child.stdout.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));

    const status = await until('dashboard answer', 480_000, () => answer(port));
    expect([200, 302, 303, 307]).toContain(status);
    // The dashboard answered first: the onboarding had not finished (or not even been recorded:
    // the import starts beside the web server).
    const runtimeJson = path.join(dataDir, 'runtime.json');
    await until('runtime description', 60_000, async () => (fs.existsSync(runtimeJson) ? true : null));
    const atFirstAnswer = await progress();
    expect(atFirstAnswer?.finishedAt ?? null).toBeNull();
    expect(log).not.toMatch(/onboarded in/);

    // It finishes behind the dashboard, without an error, every tenant counted.
    const done = await until('finished onboarding', 480_000, async () => {
      const p = await progress();
      if (p?.error) throw new Error(`onboarding failed: ${p.error}`);
      return p?.finishedAt ? p : null;
    });
    expect(done.done).toBe(done.total);
    const tenants = await queryStack<{ n: string; checked: string }>(
      dataDir,
      `SELECT count(*) AS n, count("consentCheckedAt") AS checked FROM "Tenant"`,
    );
    expect(Number(tenants[0]!.checked)).toBe(Number(tenants[0]!.n));
    expect(Number(tenants[0]!.n)).toBeGreaterThanOrEqual(400);
    // The web app and the workers reach the embedded database over its Unix-domain socket (no
    // client address), never loopback TCP (ADR 037).
    const sessions = await queryStack<{ socket: string; tcp: string }>(
      dataDir,
      `SELECT count(*) FILTER (WHERE client_addr IS NULL) AS socket, count(*) FILTER (WHERE client_addr IS NOT NULL) AS tcp
         FROM pg_stat_activity WHERE usename = current_user AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    expect(Number(sessions[0]!.socket)).toBeGreaterThan(0);
    expect(Number(sessions[0]!.tcp)).toBe(0);
    // The terminal saw the progress: done / total with a rate, and the end.
    expect(log).toMatch(/consent checks and discovery scans: \d[\d,]* of [\d,]+/);
    expect(log).toMatch(/onboarded in/);
    expect(await answer(port)).not.toBeNull(); // still serving
  });
});
