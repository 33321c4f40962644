/**
 * After a commit that queued a job, wake an in-process worker so it does not wait for its next
 * poll. A no-op unless a worker runs in this process (`npm start`'s inline worker sets it).
 */
type Notifier = (jobName: string) => void;

const g = globalThis as unknown as { __rekeyJobNotifier?: Notifier };

export function setJobNotifier(fn: Notifier | undefined): void {
  g.__rekeyJobNotifier = fn;
}

export function notifyJobQueued(jobName: string): void {
  g.__rekeyJobNotifier?.(jobName);
}
