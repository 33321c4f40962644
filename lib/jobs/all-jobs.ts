/**
 * Every job the worker runs, and the schedules. Areas add their `*.job.ts` definitions here;
 * `startRekeyWorker` registers them all.
 */
import { campaignSweepJob, CAMPAIGN_SWEEP_CRON } from '@/lib/campaigns/campaign-sweep.job';
import { campaignTickJob } from '@/lib/campaigns/campaign-tick.job';
import { campaignVerifyJob } from '@/lib/campaigns/campaign-verify.job';
import { reclassifyConnectorsJob } from '@/lib/detection/reclassify-connectors.job';
import { scanDriftJob } from '@/lib/detection/scan-drift.job';
import { scanSignInsJob } from '@/lib/detection/scan-sign-ins.job';
import type { JobDefinition } from '@/lib/jobs/job-definition';
import { invitationRemindersJob, INVITATION_REMINDERS_CRON } from '@/lib/invitations/invitation-reminders.job';
import { certificateExpiryJob, CERTIFICATE_EXPIRY_CRON } from '@/lib/notifications/certificate-expiry.job';
import { notificationSendJob } from '@/lib/notifications/notification-send.job';
import { purgeExpiredJob, PURGE_EXPIRED_CRON } from '@/lib/ops/purge-expired.job';
import type { Schedule } from '@/lib/jobs/worker';
import { rotationAdvanceJob } from '@/lib/rotation/rotation-advance.job';
import { rotationSweepJob } from '@/lib/rotation/rotation-sweep.job';
import { scanTenantsJob } from '@/lib/tenants/scan-tenants.job';

const asJob = <T>(j: JobDefinition<T>) => j as unknown as JobDefinition<never>;

export const ALL_JOBS: JobDefinition<never>[] = [
  asJob(rotationAdvanceJob),
  asJob(scanTenantsJob),
  asJob(scanDriftJob),
  asJob(scanSignInsJob),
  asJob(reclassifyConnectorsJob),
  asJob(campaignTickJob),
  asJob(campaignVerifyJob),
  asJob(notificationSendJob),
];

export const SCHEDULES: Schedule[] = [
  { cron: '* * * * *', job: asJob(rotationSweepJob) },
  // Discovery finds new connector apps; the drift scan re-reads known ones more often.
  { cron: '17 */6 * * *', job: asJob(scanTenantsJob) },
  { cron: '7 * * * *', job: asJob(scanDriftJob) },
  // Sign-in reports are limited to 5 requests / 10 s per tenant: hourly is plenty.
  { cron: '37 * * * *', job: asJob(scanSignInsJob) },
  // Time passes: certificates enter the expiry window; also writes the daily status snapshot.
  { cron: '5 2 * * *', job: asJob(reclassifyConnectorsJob) },
  { cron: CAMPAIGN_SWEEP_CRON, job: asJob(campaignSweepJob) },
  { cron: CERTIFICATE_EXPIRY_CRON, job: asJob(certificateExpiryJob) },
  // Customer invitations not done get a reminder every REKEY_INVITATION_REMINDER_DAYS.
  { cron: INVITATION_REMINDERS_CRON, job: asJob(invitationRemindersJob) },
  // Expired sessions and old heartbeats.
  { cron: PURGE_EXPIRED_CRON, job: asJob(purgeExpiredJob) },
];
