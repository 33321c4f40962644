/**
 * Starts the job worker with every registered job (lib/jobs/all-jobs.ts): used by `rekey worker`
 * and by `npm start`'s inline worker. Also re-queues rotations that should be moving (after a
 * crash, before the first scheduled sweep) and wakes local polling after in-process enqueues.
 */
import { retryOnDeadlock } from '@/lib/jobs/job-queues';
import { ALL_JOBS, SCHEDULES } from '@/lib/jobs/all-jobs';
import type { JobDefinition } from '@/lib/jobs/job-definition';
import { setJobNotifier } from '@/lib/jobs/job-notify';
import { createWorker, type Worker, type WorkerOptions } from '@/lib/jobs/worker';

export interface StartRekeyWorkerOptions extends WorkerOptions {
  /** Extra jobs (tests, plug-ins) on top of ALL_JOBS. */
  jobs?: JobDefinition<never>[];
  /** Run the rotation sweep once at start (default true). */
  sweepOnStart?: boolean;
}

export async function startRekeyWorker(opts: StartRekeyWorkerOptions = {}): Promise<Worker> {
  const worker = createWorker(opts);
  for (const job of [...ALL_JOBS, ...(opts.jobs ?? [])]) await worker.registerJob(job);
  for (const s of SCHEDULES) await worker.schedule(s);
  await worker.start();
  setJobNotifier((name) => worker.notify(name));
  if (opts.sweepOnStart ?? true) {
    const { sweepRotations } = await import('@/lib/rotation/sweep-rotations');
    // Several workers may start together; the per-minute sweep covers anything missed here.
    await retryOnDeadlock(() => sweepRotations(new Date()));
  }
  const stop = worker.stop.bind(worker);
  worker.stop = async (o) => {
    setJobNotifier(undefined);
    await stop(o);
  };
  return worker;
}
