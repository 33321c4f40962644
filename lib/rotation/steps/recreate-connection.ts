import { permanent, withSha1, type StepHandler } from '@/lib/rotation/steps/step-context';

/**
 * Creates the application and service principal again with the recorded permissions and the new
 * certificate. Resumable: an application of the same name that already holds the new
 * certificate is the one an interrupted run created (perhaps without its service principal yet),
 * and is finished and adopted instead of creating another.
 */
export const recreateConnection: StepHandler = async (ctx) => {
  const snap = ctx.facts.snapshot;
  if (!snap) throw permanent('NO_SNAPSHOT', 'Cannot recreate the connection: no snapshot of it was recorded.');
  const candidates = await ctx.graph.findApplicationsByName(ctx.tenant, snap.displayName);
  for (const c of candidates) {
    if (c.appObjectId === snap.appObjectId) continue;
    const view = await ctx.graph.readConnection({ tenant: ctx.tenant, appId: c.appId, appObjectId: c.appObjectId });
    if (view.app && withSha1(view.app.credentials, ctx.newCert.sha1).length > 0) {
      // Created by an interrupted attempt (possibly before its service principal): finish and adopt it.
      const connection = view.sp
        ? { appId: c.appId, appObjectId: c.appObjectId, spObjectId: view.sp.id }
        : await ctx.graph.createConnection(ctx.tenant, {
            displayName: snap.displayName,
            requiredResourceAccess: snap.requiredResourceAccess,
            credential: ctx.newCert.credential,
            adopt: { appId: c.appId, appObjectId: c.appObjectId },
          });
      return {
        message: `Found the recreated application ${c.appId} from an earlier attempt; using it.`,
        connection,
        facts: { recreated: { at: ctx.now.toISOString(), ...connection, adopted: true } },
      };
    }
  }
  const created = await ctx.graph.createConnection(ctx.tenant, {
    displayName: snap.displayName,
    requiredResourceAccess: snap.requiredResourceAccess,
    credential: ctx.newCert.credential,
  });
  return {
    message: `Recreated the connection as application ${created.appId} with the new certificate. The vendor must be told the new application (client) id.`,
    connection: created,
    facts: { recreated: { at: ctx.now.toISOString(), ...created, adopted: false } },
  };
};
