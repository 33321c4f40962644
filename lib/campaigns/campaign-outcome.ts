/**
 * What a campaign says about itself, derived from its items — never stored. The stored state is
 * the lifecycle only (draft, awaiting approval, approved, running, paused, cancelled, finished);
 * "Completed" is said only when every item succeeded or was skipped because it was verified to be
 * on the target already. Anything else that finished is "Finished with exceptions", with counts per
 * outcome that add up to the total. Pure: the table test is lib/campaigns/campaign-outcome.test.ts.
 */

/** Item messages of the final verification read (lib/campaigns/verify-campaign.ts). */
export const ALREADY_ON_TARGET = 'Already on the new certificate.';
export const VERIFIED_SUCCESS = 'Verified in the tenant';
/** A SKIPPED item with a message starting so counts as success (`skippedOnTarget`). */
export const VERIFIED_ON_TARGET = 'Verified on the target';

export const CAMPAIGN_STATES = [
  'DRAFT',
  'AWAITING_APPROVAL',
  'APPROVED',
  'RUNNING',
  'PAUSED',
  'CANCELLED',
  'FINISHED',
] as const;
export type CampaignLifecycleState = (typeof CAMPAIGN_STATES)[number];

/** Item counts as stored (CampaignItemState) plus the running items whose rotation waits for a person. */
export interface ItemTally {
  QUEUED: number;
  RUNNING: number;
  SUCCEEDED: number;
  FAILED: number;
  SKIPPED: number;
  CANCELLED: number;
  /** RUNNING items whose rotation needs attention (included in RUNNING). */
  needsAttention: number;
  /** SKIPPED items verified to be on the target certificate already (included in SKIPPED). */
  skippedOnTarget?: number;
}

/** A tally with every count 0, overridden by `t` (the one fixture for tests and aggregations). */
export function itemTally(t: Partial<ItemTally> = {}): ItemTally {
  return { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0, needsAttention: 0, ...t };
}

export type OutcomeKind =
  | 'draft'
  | 'awaiting_approval'
  | 'approved'
  | 'running'
  | 'paused'
  | 'cancelled'
  | 'completed'
  | 'finished_with_exceptions';

export interface OutcomeCounts {
  succeeded: number;
  /** Skipped because verified to be on the target already (not an exception). */
  onTarget: number;
  failed: number;
  cancelled: number;
  needsAttention: number;
  /** Skipped for any other reason (no access, an active rotation elsewhere…): an exception. */
  skipped: number;
  running: number;
  queued: number;
}

export interface CampaignOutcome {
  kind: OutcomeKind;
  label: string;
  tone: 'neutral' | 'warning' | 'info' | 'success' | 'danger';
  counts: OutcomeCounts;
  total: number;
  /** Items that did not end as intended: failed, cancelled, needing attention, skipped. */
  exceptions: number;
  /** Items a person can retry from the campaign: failed, cancelled and needing attention. */
  retryable: number;
  /** Items that can still progress without a person (what an ETA may count). */
  progressing: number;
  /** One line naming every non-zero count, e.g. "3 succeeded, 1 cancelled". */
  summary: string;
}

const WORDS: [keyof OutcomeCounts, string][] = [
  ['succeeded', 'succeeded'],
  ['onTarget', 'already on the target'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['needsAttention', 'need attention'],
  ['skipped', 'skipped'],
  ['running', 'running'],
  ['queued', 'queued'],
];

export function outcomeCounts(t: ItemTally): OutcomeCounts {
  const onTarget = Math.min(t.skippedOnTarget ?? 0, t.SKIPPED);
  const needsAttention = Math.min(t.needsAttention, t.RUNNING);
  return {
    succeeded: t.SUCCEEDED,
    onTarget,
    failed: t.FAILED,
    cancelled: t.CANCELLED,
    needsAttention,
    skipped: t.SKIPPED - onTarget,
    running: t.RUNNING - needsAttention,
    queued: t.QUEUED,
  };
}

export function deriveCampaignOutcome(state: string, t: ItemTally): CampaignOutcome {
  const counts = outcomeCounts(t);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const exceptions = counts.failed + counts.cancelled + counts.needsAttention + counts.skipped;
  const retryable = counts.failed + counts.cancelled + counts.needsAttention;
  const progressing = counts.running + counts.queued;
  const summary =
    WORDS.filter(([k]) => counts[k] > 0)
      .map(([k, w]) => `${counts[k]} ${w}`)
      .join(', ') || 'no items';
  const base = { counts, total, exceptions, retryable, progressing, summary };
  switch (state) {
    case 'DRAFT':
      return { ...base, kind: 'draft', label: 'Draft', tone: 'neutral' };
    case 'AWAITING_APPROVAL':
      return { ...base, kind: 'awaiting_approval', label: 'Awaiting approval', tone: 'warning' };
    case 'APPROVED':
      return { ...base, kind: 'approved', label: 'Approved', tone: 'info' };
    case 'RUNNING':
      return {
        ...base,
        kind: 'running',
        label: progressing === 0 && counts.needsAttention > 0 ? 'Running — waiting for attention' : 'Running',
        tone: counts.needsAttention > 0 ? 'warning' : 'info',
      };
    case 'PAUSED':
      return { ...base, kind: 'paused', label: 'Paused', tone: 'warning' };
    case 'CANCELLED':
      return { ...base, kind: 'cancelled', label: 'Cancelled', tone: 'neutral' };
    default: {
      // FINISHED (and anything unknown): completed only when nothing is an exception or unfinished.
      const done = total > 0 && counts.succeeded + counts.onTarget === total;
      return done
        ? { ...base, kind: 'completed', label: 'Completed', tone: 'success' }
        : { ...base, kind: 'finished_with_exceptions', label: 'Finished with exceptions', tone: 'danger' };
    }
  }
}
