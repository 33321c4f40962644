/**
 * After a commit that queued a job, wake an in-process worker so it does not wait for its next
 * poll — now, or at `runAt` for a job queued to start later (a retry after a short backoff is
 * then picked up when due, not at the next poll). A no-op unless a worker runs in this process
 * (`npm start`'s inline worker and `rekey worker` set it).
 */
type Notifier = (jobName: string, runAt?: Date) => void;

// On globalThis: the in-process worker sets it once at start, and a Next development reload of the
// modules that enqueue must still reach that worker (a module variable would start out empty again).
const g = globalThis as unknown as { __rekeyJobNotifier?: Notifier };

export function setJobNotifier(fn: Notifier | undefined): void {
  g.__rekeyJobNotifier = fn;
}

export function notifyJobQueued(jobName: string, runAt?: Date): void {
  g.__rekeyJobNotifier?.(jobName, runAt);
}
