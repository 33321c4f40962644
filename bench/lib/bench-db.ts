/**
 * Bench plumbing: a throwaway embedded PostgreSQL (temp dir, free port, migrated), percentiles,
 * a fixed-concurrency runner, and the machine description RESULTS.md carries.
 */
import fs from 'node:fs';
import pg_ from 'pg';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres } from '@/lib/runtime/embedded-postgres';
import { migrateDatabase } from '@/lib/runtime/migrate';
import type { ChildProcess } from 'node:child_process';
import { freePort } from '@/lib/runtime/free-port';

export { freePort };

/** SIGTERM a child process (SIGKILL after `killAfterMs`) and wait for it to exit; no-op if it has. */
export async function stopProcess(child: ChildProcess | null | undefined, killAfterMs = 20_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(t);
}

export interface BenchDatabase {
  url: string;
  /** The same database over the server's Unix-domain socket (in the bench's temp dir). */
  socketUrl: string;
  /**
   * What the bench's Rekey processes connect with: the socket, as `npm start`'s embedded database
   * gives its children (ADR 037), or loopback TCP with REKEY_BENCH_PG_TCP=1 (as a DATABASE_URL
   * naming a server on the same host).
   */
  clientUrl: string;
  dir: string;
  stop(): Promise<void>;
}

/** The environment of a bench's `next start`: its database and session secret, no simulator, no worker. */
export function benchWebEnv(
  database: BenchDatabase,
  secret: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: database.clientUrl,
    REKEY_SESSION_SECRET: secret,
    REKEY_DATA_DIR: database.dir,
    REKEY_SIM: 'off',
    REKEY_WORKER: 'off',
    ...extra,
  };
}

/** A fresh, migrated database on an embedded PostgreSQL in a temp dir (removed on stop). */
export async function startBenchDatabase(
  label: string,
  opts: { statementStats?: boolean } = {},
): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rekey-bench-${label}-`));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'pg');
  const port = await freePort();
  const socketDir = path.join(dir, 'sock');
  fs.mkdirSync(socketDir);
  fs.chmodSync(socketDir, 0o777); // the server may run as another user (root starts it as postgres)
  const settings = [`unix_socket_directories=${socketDir}`];
  let pg = await startEmbeddedPostgres({ dataDir, port, settings });
  if (opts.statementStats) {
    // pg_stat_statements must be preloaded: set it, restart on the same data directory, create it.
    const c = new pg_.Client({ connectionString: pg.urlFor('postgres') });
    await c.connect();
    await c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await c.query(`ALTER SYSTEM SET pg_stat_statements.track = 'all'`);
    // Planning time too (ADR 039: an unnamed statement is planned on every run).
    await c.query(`ALTER SYSTEM SET pg_stat_statements.track_planning = on`);
    await c.end();
    await pg.stop();
    pg = await startEmbeddedPostgres({ dataDir, port, settings });
  }
  await ensureDatabase(pg.urlFor('postgres'), 'rekey_bench');
  const url = pg.urlFor('rekey_bench');
  await migrateDatabase(url);
  if (opts.statementStats) {
    const c = new pg_.Client({ connectionString: pg.urlFor('rekey_bench') });
    await c.connect();
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.end();
  }
  const socketUrl = `${url}?host=${encodeURIComponent(socketDir)}`;
  return {
    url,
    socketUrl,
    clientUrl: process.env.REKEY_BENCH_PG_TCP === '1' ? url : socketUrl,
    dir,
    async stop() {
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat; with `children`, also its reaped children's. */
export function cpuMsOf(pid: number, opts: { children?: boolean } = {}): number {
  try {
    const fields = fs
      .readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // After "pid (comm) ": state is field 3, so utime (14), stime (15), cutime (16), cstime (17) are at 11–14.
    const own = Number(fields[11]) + Number(fields[12]);
    const reaped = opts.children ? Number(fields[13]) + Number(fields[14]) : 0;
    // Clock ticks are 1/100 s on Linux (getconf CLK_TCK).
    return ((own + reaped) * 1000) / 100;
  } catch {
    return 0;
  }
}

const parentOf = (pid: number): number | null => {
  try {
    return Number(
      fs
        .readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ')[1],
    );
  } catch {
    return null;
  }
};

/**
 * All CPU the PostgreSQL server has used so far, in ms: the postmaster, its live backends and
 * (through the postmaster's cutime/cstime) every backend that has exited.
 */
export async function postgresCpuMs(url: string): Promise<number> {
  const c = new pg_.Client({ connectionString: url });
  await c.connect();
  let postmaster: number | null;
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Read while the backend is alive: once the connection ends its /proc entry goes away.
    postmaster = parentOf(rows[0]!.pid);
  } finally {
    await c.end();
  }
  if (!postmaster) throw new Error('postgresCpuMs: cannot find the PostgreSQL server process');
  // A backend reaped between reading the postmaster's cutime and the live backends would be
  // counted in neither: read until the reaped total did not change while the live ones were read.
  for (;;) {
    const reapedBefore = cpuMsOf(postmaster, { children: true });
    let live = 0;
    for (const d of fs.readdirSync('/proc')) {
      const pid = Number(d);
      if (Number.isInteger(pid) && pid !== postmaster && parentOf(pid) === postmaster) live += cpuMsOf(pid);
    }
    const reapedAfter = cpuMsOf(postmaster, { children: true });
    if (reapedAfter === reapedBefore) return reapedAfter + live;
  }
}

export interface StatementStats {
  /** Statements clients sent (each one a round trip, BEGIN/COMMIT included). */
  calls: number;
  /** Statements run inside others: trigger bodies, foreign-key checks, PL/pgSQL (track = all). */
  nested: number;
  /** The server's time planning statements, ms (track_planning), and how many plans it made. */
  planMs: number;
  plans: number;
  rowsWritten: number;
  /** The statements called most (top level and nested), with calls and total execution time. */
  top: { query: string; calls: number; totalMs: number; nested: boolean; plans: number; planMs: number }[];
}

/** Resets pg_stat_statements (needs `statementStats` at start). */
export async function resetStatementStats(url: string): Promise<void> {
  const c = new pg_.Client({ connectionString: url });
  await c.connect();
  await c.query('SELECT pg_stat_statements_reset()');
  await c.end();
}

/** What the server executed since the last reset, with the rows the workload wrote (`all`: every statement, not the top 16). */
export async function readStatementStats(url: string, opts: { all?: boolean } = {}): Promise<StatementStats> {
  const c = new pg_.Client({ connectionString: url });
  await c.connect();
  const own = `dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;
  const sum = await c.query<{ calls: string; nested: string; written: string; plan_ms: number; plans: string }>(
    `SELECT coalesce(sum(calls) FILTER (WHERE toplevel), 0) AS calls,
            coalesce(sum(calls) FILTER (WHERE NOT toplevel), 0) AS nested,
            coalesce(sum(total_plan_time), 0)::float8 AS plan_ms, coalesce(sum(plans), 0) AS plans,
            coalesce(sum(rows) FILTER (WHERE query ~* '^\\s*(insert|update|delete|with)'), 0) AS written
       FROM pg_stat_statements WHERE ${own}`,
  );
  const top = await c.query<{
    query: string;
    calls: string;
    total: number;
    toplevel: boolean;
    plans: string;
    plan_ms: number;
  }>(
    `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), ${opts.all ? 400 : 140}) AS query, calls, total_exec_time AS total, toplevel,
            plans, total_plan_time AS plan_ms
       FROM pg_stat_statements WHERE ${own} ORDER BY calls DESC LIMIT ${opts.all ? 500 : 16}`,
  );
  await c.end();
  return {
    calls: Number(sum.rows[0]!.calls),
    nested: Number(sum.rows[0]!.nested),
    rowsWritten: Number(sum.rows[0]!.written),
    planMs: Number(sum.rows[0]!.plan_ms),
    plans: Number(sum.rows[0]!.plans),
    top: top.rows.map((r) => ({
      query: r.query,
      calls: Number(r.calls),
      totalMs: Math.round(r.total),
      nested: !r.toplevel,
      plans: Number(r.plans),
      planMs: Number(r.plan_ms),
    })),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export function stats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    n: s.length,
    p50: r(percentile(s, 50)),
    p95: r(percentile(s, 95)),
    max: r(s[s.length - 1] ?? NaN),
    mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
  };
}

/** Runs `fn` `total` times with `concurrency` in flight; returns each call's latency in ms. */
export async function runConcurrent(
  total: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await fn(i);
      out.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return out;
}

export function machine(): {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
} {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export const isMain = (url: string) => {
  const arg = process.argv[1];
  if (!arg) return false;
  return url === new URL(`file://${path.resolve(arg)}`).href;
};

/** Command-line arguments without `--json <file>`. */
export function positionalArgs(): string[] {
  const a = process.argv.slice(2);
  const i = a.indexOf('--json');
  if (i >= 0) a.splice(i, 2);
  return a;
}

/** With `--json <file>` (bench/run-all.ts), also write the result there. */
export function writeJsonResult(result: unknown): void {
  const i = process.argv.indexOf('--json');
  const file = i >= 0 ? process.argv[i + 1] : undefined;
  if (file) fs.writeFileSync(file, JSON.stringify(result, null, 2));
}
