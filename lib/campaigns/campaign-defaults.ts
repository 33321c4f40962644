/** Safe defaults for a new campaign (pure; used by the set-up page). */
/**
 * The mode a new campaign starts with: delete-first re-establish when the advisory is critical or
 * the selection holds targeted connectors (an attacker used the credential: make-before-break would
 * leave it working meanwhile); otherwise rotate. An edited campaign keeps its mode.
 */
export function defaultCampaignMode(i: {
  fromMode?: string | null;
  advisorySeverity?: string | null;
  targeted: number;
}): 'rotate' | 'reestablish' {
  if (i.fromMode) return i.fromMode === 'reestablish' ? 'reestablish' : 'rotate';
  return i.advisorySeverity === 'critical' || i.targeted > 0 ? 'reestablish' : 'rotate';
}

/**
 * A new campaign never starts from "everything": with no advisory and no status in the address
 * (an explicit "Any status" is `status=`), the selection is the exposed connectors.
 */
export function defaultsToExposed(sp: Record<string, string | string[] | undefined>): boolean {
  return sp.status === undefined && !sp.advisoryId && !sp.advisory && !sp.from;
}
