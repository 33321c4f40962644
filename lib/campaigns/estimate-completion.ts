/**
 * ETA and deadline risk for a campaign from its throughput (pure; `now` is a parameter).
 * Throughput is taken over the last 15 minutes (steadier), or the last 5 when only those saw work.
 */
export type DeadlineRisk = 'none' | 'met' | 'missed' | 'on_track' | 'at_risk' | 'unknown';

export interface EstimateInput {
  now: Date;
  state: string;
  remaining: number;
  /** Items that do not move at the campaign's pace: a rotation that needs attention, or one waiting for the vendor's cutover. */
  waiting?: number;
  completedLast5m: number;
  completedLast15m: number;
  deadline: Date | null;
  finishedAt: Date | null;
}

export interface Estimate {
  /** Items finished per minute. */
  perMinute: number;
  etaMinutes: number | null;
  etaAt: Date | null;
  deadlineRisk: DeadlineRisk;
}

export function estimateCompletion(i: EstimateInput): Estimate {
  const perMinute = i.completedLast15m > 0 ? i.completedLast15m / 15 : i.completedLast5m / 5;
  // Only a running campaign with work that moves on its own has an ETA: a paused one, one whose
  // last items wait for a person, or a finished one has none (never "now").
  const moving = i.state === 'RUNNING' && !i.finishedAt && i.remaining > 0;
  const etaMinutes = moving && perMinute > 0 ? i.remaining / perMinute : null;
  const etaAt = etaMinutes === null ? null : new Date(i.now.getTime() + etaMinutes * 60_000);
  return { perMinute, etaMinutes, etaAt, deadlineRisk: deadlineRisk(i, etaAt) };
}

function deadlineRisk(i: EstimateInput, etaAt: Date | null): DeadlineRisk {
  if (!i.deadline) return 'none';
  const d = i.deadline.getTime();
  if (i.finishedAt || (i.remaining === 0 && !i.waiting))
    return (i.finishedAt ?? i.now).getTime() <= d ? 'met' : 'missed';
  if (i.now.getTime() > d) return 'missed';
  if (etaAt === null) return i.state === 'RUNNING' && !i.waiting ? 'unknown' : 'at_risk';
  return etaAt.getTime() <= d ? 'on_track' : 'at_risk';
}
