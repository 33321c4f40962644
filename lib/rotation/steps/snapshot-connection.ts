import { permanent, type StepHandler } from '@/lib/rotation/steps/step-context';

/**
 * Records what a recreated connection needs: display name, required permissions and the app
 * role assignments (consent) of its service principal. Taken once; a re-run keeps the first.
 */
export const snapshotConnection: StepHandler = async (ctx) => {
  if (ctx.facts.snapshot) return { message: 'The connection was already recorded; keeping that snapshot.' };
  const appObjectId = ctx.connection.appObjectId;
  if (!appObjectId)
    throw permanent(
      'NOT_RECREATABLE',
      `${ctx.connectorDisplayName} is the vendor's own multi-tenant application, present in this tenant only as a service principal; Rekey cannot delete and recreate it. Replace its credential instead, or ask the vendor.`,
    );
  const view = await ctx.graph.readConnection(ctx.connection);
  const at = ctx.now.toISOString();
  if (!view.app) {
    return {
      message:
        "The application no longer exists; recording the inventory's display name and the connector type's permissions instead.",
      facts: {
        snapshot: {
          at,
          appId: ctx.connection.appId,
          appObjectId,
          spObjectId: null,
          displayName: ctx.connectorDisplayName,
          requiredResourceAccess: ctx.requiredResourceAccess,
          grants: [],
          source: 'inventory',
        },
      },
    };
  }
  const grants = view.sp ? await ctx.graph.listAppRoleGrants(ctx.tenant, view.sp.id) : [];
  const rra = view.app.requiredResourceAccess.length > 0 ? view.app.requiredResourceAccess : ctx.requiredResourceAccess;
  return {
    message: `Recorded the connection: ${rra.length} required resource(s), ${grants.length} app role assignment(s).`,
    facts: {
      snapshot: {
        at,
        appId: view.app.appId,
        appObjectId: view.app.id,
        spObjectId: view.sp?.id ?? null,
        displayName: view.app.displayName ?? ctx.connectorDisplayName,
        requiredResourceAccess: rra,
        grants,
        source: 'tenant',
      },
    },
  };
};
