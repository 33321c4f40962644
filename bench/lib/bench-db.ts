/**
 * Bench plumbing: a throwaway embedded PostgreSQL (temp dir, free port, migrated), percentiles,
 * a fixed-concurrency runner, and the machine description RESULTS.md carries.
 */
import fs from 'node:fs';
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
  dir: string;
  stop(): Promise<void>;
}

/** A fresh, migrated database on an embedded PostgreSQL in a temp dir (removed on stop). */
export async function startBenchDatabase(label: string): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rekey-bench-${label}-`));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  await ensureDatabase(pg.urlFor('postgres'), 'rekey_bench');
  const url = pg.urlFor('rekey_bench');
  await migrateDatabase(url);
  return {
    url,
    dir,
    async stop() {
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
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
