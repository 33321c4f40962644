import { permanent, type StepHandler } from '@/lib/rotation/steps/step-context';

/** Grants the recreated service principal the app roles the old one had (admin consent). */
export const restoreConsent: StepHandler = async (ctx) => {
  const snap = ctx.facts.snapshot;
  const recreated = ctx.facts.recreated;
  if (!snap || !recreated)
    throw permanent('NO_SNAPSHOT', 'Cannot restore consent: the connection was not recorded and recreated first.');
  const existing = await ctx.graph.listAppRoleGrants(ctx.tenant, recreated.spObjectId);
  const missing = snap.grants.filter(
    (g) => !existing.some((e) => e.resourceId === g.resourceId && e.appRoleId === g.appRoleId),
  );
  for (const g of missing) await ctx.graph.grantAppRole(ctx.tenant, recreated.spObjectId, g);
  return {
    message:
      snap.grants.length === 0
        ? 'The old connection had no app role assignments; nothing to restore.'
        : `Restored ${missing.length} app role assignment(s) (${snap.grants.length - missing.length} already present).`,
    facts: {
      consent: { at: ctx.now.toISOString(), granted: missing, alreadyPresent: snap.grants.length - missing.length },
    },
  };
};
