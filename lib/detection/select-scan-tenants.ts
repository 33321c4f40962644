/**
 * Which tenants a scan covers: the listed ones (each checked against the caller's scope, operator
 * role — a scan writes state), or all (a fleet-wide operator), optionally narrowed by a filter.
 */
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import { isGuid } from '@/lib/text/guid';
import type { Db, Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { requireFleetWide, type Caller } from '@/lib/detection/detection-access';

export type ScanSelection = { tenantIds: string[] } | { all: true };

export interface ScanTenant {
  id: string;
  entraTenantId: string;
  displayName: string;
  tokenGeneration: number;
}

export async function selectScanTenants(
  db: Db,
  caller: Caller,
  selection: ScanSelection,
  allFilter: Prisma.TenantWhereInput = {},
): Promise<ScanTenant[]> {
  const select = { id: true, entraTenantId: true, displayName: true, tokenGeneration: true } as const;
  if ('all' in selection) {
    requireFleetWide(caller, 'operator', 'Scanning every tenant');
    return db.tenant.findMany({ where: allFilter, select, orderBy: { displayName: 'asc' } });
  }
  if (selection.tenantIds.length === 0) throw new RekeyError('BAD_INPUT', 'Name at least one tenant, or scan all.');
  // Rekey's tenant id or the Entra tenant (directory) id.
  const ids = [...new Set(selection.tenantIds.map((i) => i.trim().toLowerCase()))];
  const uuids = ids.filter(isGuid);
  const found = await db.tenant.findMany({
    where: { OR: [{ id: { in: uuids } }, { entraTenantId: { in: uuids } }] },
    select,
  });
  const missing = ids.filter((i) => !found.some((t) => t.id === i || t.entraTenantId === i));
  if (missing.length)
    throw new RekeyError('NOT_FOUND', `Tenant not found: ${missing.join(', ')}.`, { tenantIds: missing });
  if (caller !== 'system') for (const t of found) await requireTenantAccess(caller, t.id, 'operator', db);
  return found;
}
