import type { Tone } from '@/components/ui/tone';

/** Badge tone per advisory severity (text always shown beside it). */
export const SEVERITY_TONE: Record<string, Tone> = {
  critical: 'danger',
  high: 'warning',
  medium: 'caution',
  low: 'neutral',
};
