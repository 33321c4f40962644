/** Which handler runs each step of the machine. */
import type { StepName } from '@/lib/rotation/machine';
import { addNew } from '@/lib/rotation/steps/add-new';
import { awaitCutover } from '@/lib/rotation/steps/await-cutover';
import { deleteConnection } from '@/lib/rotation/steps/delete-connection';
import { preflight } from '@/lib/rotation/steps/preflight';
import { recreateConnection } from '@/lib/rotation/steps/recreate-connection';
import { removeNew } from '@/lib/rotation/steps/remove-new';
import { removeOld } from '@/lib/rotation/steps/remove-old';
import { restoreConsent } from '@/lib/rotation/steps/restore-consent';
import { snapshotConnection } from '@/lib/rotation/steps/snapshot-connection';
import type { StepHandler } from '@/lib/rotation/steps/step-context';
import { verifyNew } from '@/lib/rotation/steps/verify-new';
import { verifyOldGone } from '@/lib/rotation/steps/verify-old-gone';

export const STEP_HANDLERS: Record<Exclude<StepName, 'done'>, StepHandler> = {
  preflight,
  add_new: addNew,
  verify_new: verifyNew,
  await_cutover: awaitCutover,
  remove_old: removeOld,
  verify_old_gone: verifyOldGone,
  snapshot_connection: snapshotConnection,
  delete_connection: deleteConnection,
  recreate_connection: recreateConnection,
  restore_consent: restoreConsent,
  rollback_remove_new: removeNew,
  cancel_remove_new: removeNew,
};
