import { permanent, type StepHandler } from '@/lib/rotation/steps/step-context';

/** Deletes the old application (and with it its service principal). Absent already is success. */
export const deleteConnection: StepHandler = async (ctx) => {
  if (!ctx.facts.snapshot)
    throw permanent(
      'NO_SNAPSHOT',
      'Refusing to delete the connection: it was not recorded first, so it could not be recreated.',
    );
  const appObjectId = ctx.facts.snapshot.appObjectId;
  const view = await ctx.graph.readConnection({ ...ctx.connection, appObjectId, appId: ctx.facts.snapshot.appId });
  if (!view.app) {
    return {
      message: 'The old application is already gone.',
      facts: { deleted: { at: ctx.now.toISOString(), appObjectId, alreadyAbsent: true } },
    };
  }
  await ctx.graph.deleteApplication(ctx.tenant, appObjectId);
  return {
    message: `Deleted the old application ${ctx.facts.snapshot.appId} and its service principal.`,
    facts: { deleted: { at: ctx.now.toISOString(), appObjectId, alreadyAbsent: false } },
  };
};
