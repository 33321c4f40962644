/**
 * What a running campaign does next (pure): ordered checks, first hit wins. The dispatcher
 * (`tickCampaign`) loads the counts, asks, acts, and asks again after advancing a wave.
 */
export interface WaveCounts {
  queued: number;
  /** RUNNING items whose rotation is working (they hold a concurrency slot). */
  active: number;
  /** RUNNING items whose rotation waits for an admin (NEEDS_ATTENTION): no slot held. */
  attention: number;
  failed: number;
}

export interface CampaignStepInput {
  currentWave: number;
  waveCount: number;
  /** Counts over the waves up to and including the current one (retried items may sit in earlier waves). */
  upToCurrent: WaveCounts;
  /** Failed and needs-attention items of the current wave alone, for its gate. */
  currentFailed: number;
  currentAttention: number;
  /** The gate of the current wave (Infinity when none). */
  maxFailures: number;
}

export type CampaignStep =
  | { kind: 'dispatch'; reason: 'workRemains' }
  | { kind: 'pause'; reason: 'gateTripped'; failures: number; maxFailures: number }
  | { kind: 'advance'; reason: 'waveDone' }
  | { kind: 'wait'; reason: 'needsAttention'; attention: number }
  | { kind: 'complete'; reason: 'allDone' };

interface Rule {
  name: string;
  decide(s: CampaignStepInput): CampaignStep | null;
}

const isLast = (s: CampaignStepInput) => s.currentWave >= s.waveCount - 1;

export const CAMPAIGN_STEP_RULES: readonly Rule[] = [
  {
    name: 'workRemains',
    decide: (s) =>
      s.upToCurrent.queued > 0 || s.upToCurrent.active > 0 ? { kind: 'dispatch', reason: 'workRemains' } : null,
  },
  {
    name: 'gateTripped',
    decide: (s) => {
      const failures = s.currentFailed + s.currentAttention;
      return !isLast(s) && failures > s.maxFailures
        ? { kind: 'pause', reason: 'gateTripped', failures, maxFailures: s.maxFailures }
        : null;
    },
  },
  { name: 'waveDone', decide: (s) => (!isLast(s) ? { kind: 'advance', reason: 'waveDone' } : null) },
  {
    name: 'needsAttention',
    decide: (s) =>
      s.upToCurrent.attention > 0
        ? { kind: 'wait', reason: 'needsAttention', attention: s.upToCurrent.attention }
        : null,
  },
];

export function decideCampaignStep(s: CampaignStepInput): CampaignStep {
  for (const r of CAMPAIGN_STEP_RULES) {
    const d = r.decide(s);
    if (d) return d;
  }
  return { kind: 'complete', reason: 'allDone' };
}
