/** Small UI rules shared by the campaign page and its actions (pure). */
export const START_CONFIRM_TEXT = 'START';

/** Delete-first (re-establish) runs and fleet-wide runs need the start typed out. */
export function startNeedsTypedConfirmation(mode: string, items: number, threshold: number): boolean {
  return mode === 'reestablish' || items > threshold;
}

export const CAMPAIGN_STATE_TONE = {
  DRAFT: 'neutral',
  AWAITING_APPROVAL: 'warning',
  RUNNING: 'info',
  PAUSED: 'warning',
  FINISHED: 'success',
  APPROVED: 'info',
  CANCELLED: 'neutral',
  FAILED: 'danger',
} as const;

export function campaignStateLabel(state: string): string {
  return state.charAt(0) + state.slice(1).toLowerCase().replace(/_/g, ' ');
}
