import { db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';

/** A tenant by Rekey id; throws NOT_FOUND. */
export async function getTenant(id: string) {
  const t = /^[0-9a-f-]{36}$/i.test(id) ? await db.tenant.findUnique({ where: { id } }) : null;
  if (!t) throw new RekeyError('NOT_FOUND', `No tenant with id ${id}.`);
  return t;
}

/** By Rekey id or Entra tenant id (the CLI accepts either); null when unknown. */
export async function findTenantByAnyId(id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return db.tenant.findFirst({ where: { defaultDomain: id.toLowerCase() } });
  return db.tenant.findFirst({ where: { OR: [{ id }, { entraTenantId: id.toLowerCase() }] } });
}
