/** Plain words for the engine's steps and modes (pure; shared by the wizard and the detail page). */
import type { PlanName, StepName } from '@/lib/rotation/machine';

export const STEP_LABEL: Record<StepName, string> = {
  preflight: 'Preflight: read the connection and Rekey’s permissions',
  add_new: 'Add the new certificate to the application',
  verify_new: 'Verify the new key (a token request with it, when Rekey holds it)',
  await_cutover: 'Wait for the vendor’s service to switch to the new key',
  remove_old: 'Remove the old credential',
  verify_old_gone: 'Verify the old key is absent and refused',
  snapshot_connection: 'Snapshot the connection (permissions and consent)',
  delete_connection: 'Delete the connection’s application',
  recreate_connection: 'Recreate the application and service principal',
  restore_consent: 'Restore consent (app role assignments)',
  rollback_remove_new: 'Roll back: remove the new credential again',
  cancel_remove_new: 'Cancel: remove the new credential again',
  done: 'Done',
};

export const MODE_LABEL: Record<string, string> = { rotate: 'Rotate key', reestablish: 'Re-establish connection' };

export const PLAN_LABEL: Record<PlanName, string> = {
  rotate: 'Rotate key (make-before-break)',
  reestablish_credential: 'Re-establish: replace the credential (delete-first)',
  reestablish_recreate: 'Re-establish: delete and recreate the connection',
};

export function stepLabel(step: string): string {
  return (STEP_LABEL as Record<string, string>)[step] ?? step.replace(/_/g, ' ');
}
