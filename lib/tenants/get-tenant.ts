/**
 * Tenant lookups by id, as reads `(ctx, input)` (lib/use-case.ts). No scope check here: the use cases
 * that load a tenant check `ctx.principal` before they do; the CLI resolves `--tenant` with
 * findTenantByAnyId and applies its own scope.
 */
import { RekeyError } from '@/lib/errors';
import type { UseCaseContext } from '@/lib/use-case';

type ReadContext = Pick<UseCaseContext, 'db'>;

export const tenantNotFound = (id: string) => new RekeyError('NOT_FOUND', `No tenant with id ${id}.`);

/** A tenant by Rekey id; throws NOT_FOUND. */
export async function getTenant(ctx: ReadContext, input: { tenantId: string }) {
  const { tenantId: id } = input;
  const t = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.db.tenant.findUnique({ where: { id } }) : null;
  if (!t) throw tenantNotFound(id);
  return t;
}

/** By Rekey id, Entra tenant id or default domain (the CLI accepts any); null when unknown. */
export async function findTenantByAnyId(ctx: ReadContext, input: { tenantId: string }) {
  const { tenantId: id } = input;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return ctx.db.tenant.findFirst({ where: { defaultDomain: id.toLowerCase() } });
  return ctx.db.tenant.findFirst({ where: { OR: [{ id }, { entraTenantId: id.toLowerCase() }] } });
}
