import { permanent, type StepHandler } from '@/lib/rotation/steps/step-context';

/** The uniqueName of the application a rotation's re-establishment creates: one per rotation. */
export function recreatedUniqueName(rotationId: string): string {
  return `rekey-rotation-${rotationId}`;
}

/**
 * Creates the application and service principal again with the recorded permissions and the new
 * certificate. Idempotent by construction: the application is upserted on a uniqueName derived
 * from the rotation (`PATCH /applications(uniqueName=…)`, `Prefer: create-if-missing`), so a retry
 * after a crash or a lost response finishes what the first attempt created instead of creating a
 * second one — no display-name search, which a replica that has not seen the new application yet
 * would answer with nothing. Not yet replicated → a transient error, retried with backoff.
 */
export const recreateConnection: StepHandler = async (ctx) => {
  const snap = ctx.facts.snapshot;
  if (!snap) throw permanent('NO_SNAPSHOT', 'Cannot recreate the connection: no snapshot of it was recorded.');
  const { created, ...connection } = await ctx.graph.createConnection(ctx.tenant, {
    uniqueName: recreatedUniqueName(ctx.rotationId),
    displayName: snap.displayName,
    requiredResourceAccess: snap.requiredResourceAccess,
    credential: ctx.newCert.credential,
  });
  return {
    message: created
      ? `Recreated the connection as application ${connection.appId} with the new certificate. The vendor must be told the new application (client) id.`
      : `Found the recreated application ${connection.appId} from an earlier attempt; using it.`,
    connection,
    facts: { recreated: { at: ctx.now.toISOString(), ...connection, adopted: !created } },
  };
};
