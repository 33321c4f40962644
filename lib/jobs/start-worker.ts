/**
 * Starts the job worker with every registered job (lib/jobs/all-jobs.ts): used by `rekey worker`
 * and by `npm start`'s inline worker. Also re-queues rotations that should be moving (after a
 * crash, before the first scheduled sweep) and wakes local polling after in-process enqueues.
 */
import { env } from '@/lib/env';
import { retryOnDeadlock } from '@/lib/jobs/job-queues';
import { ALL_JOBS, SCHEDULES } from '@/lib/jobs/all-jobs';
import type { JobDefinition } from '@/lib/jobs/job-definition';
import { setJobNotifier } from '@/lib/jobs/job-notify';
import { createWorker, type Worker, type WorkerOptions } from '@/lib/jobs/worker';
import { scanTenantsJob } from '@/lib/tenants/scan-tenants.job';

export interface StartRekeyWorkerOptions extends WorkerOptions {
  /** Extra jobs (tests, plug-ins) on top of ALL_JOBS. */
  jobs?: JobDefinition<never>[];
  /** Run the rotation sweep once at start (default true). */
  sweepOnStart?: boolean;
}

export async function startRekeyWorker(opts: StartRekeyWorkerOptions = {}): Promise<Worker> {
  // The rotations this worker advances publish their events to the subscribers the process
  // registered when it opened its runtime (openRuntime, or the db-test setup).
  const worker = createWorker(opts);
  for (const job of [...ALL_JOBS, ...(opts.jobs ?? [])]) await worker.registerJob(job);
  // REKEY_SCHEDULED_FLEET_SCAN=off: no 6-hourly discovery scan (pg-boss keeps a cron in the
  // database, so an earlier start's is removed); scans on demand still run.
  const fleetScan = env().REKEY_SCHEDULED_FLEET_SCAN;
  for (const s of SCHEDULES) {
    if (s.job.name === scanTenantsJob.name && !fleetScan) await worker.unschedule(s.job.name);
    else await worker.schedule(s);
  }
  await worker.start();
  setJobNotifier((name, runAt) => worker.notify(name, runAt));
  if (opts.sweepOnStart ?? true) {
    const { sweepRotations } = await import('@/lib/rotation/sweep-rotations');
    // Several workers may start together; the per-minute sweep covers anything missed here.
    await retryOnDeadlock(() => sweepRotations(new Date()));
  }
  // Liveness for /api/health and the admin banner (lib/ops): beats while this worker runs.
  const { startHeartbeat } = await import('@/lib/ops/process-heartbeat');
  const heartbeat = await startHeartbeat({
    connectionString: opts.connectionString ?? process.env.DATABASE_URL!,
    kind: 'worker',
    onError: (e) => opts.logger?.error(`heartbeat failed: ${e.message}`),
  });
  const stop = worker.stop.bind(worker);
  worker.stop = async (o) => {
    setJobNotifier(undefined);
    await heartbeat.stop();
    await stop(o);
  };
  return worker;
}
