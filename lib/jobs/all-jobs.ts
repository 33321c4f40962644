/**
 * Every job the worker runs, and the schedules. Areas add their `*.job.ts` definitions here
 * (campaigns, scans …); `startRekeyWorker` registers them all.
 */
import type { JobDefinition } from '@/lib/jobs/job-definition';
import type { Schedule } from '@/lib/jobs/worker';
import { rotationAdvanceJob } from '@/lib/rotation/rotation-advance.job';
import { rotationSweepJob } from '@/lib/rotation/rotation-sweep.job';

export const ALL_JOBS: JobDefinition<never>[] = [rotationAdvanceJob as JobDefinition<never>];

export const SCHEDULES: Schedule[] = [{ cron: '* * * * *', job: rotationSweepJob }];
