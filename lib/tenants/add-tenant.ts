/** Onboards one tenant by tenant id or domain (the domain resolves through its OpenID configuration). */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { db, isUniqueViolation } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { resolveTenantDomain } from '@/lib/graph/resolve-tenant';
import { TenantRowSchema, isTenantGuid } from '@/lib/tenants/parse-tenant-csv';
import { graphOf, nowOf, type TenantUseCaseContext } from '@/lib/tenants/tenant-context';

export const AddTenantSchema = z.object({
  tenant: TenantRowSchema.shape.tenant,
  /** Default: the domain, or the tenant id. */
  name: z.string().trim().max(200).superRefine(refuseControlCharacters).optional(),
  region: z.string().trim().max(40).superRefine(refuseControlCharacters).optional(),
  group: z.string().trim().max(100).superRefine(refuseControlCharacters).optional(),
});
export type AddTenantInput = z.input<typeof AddTenantSchema>;

export async function addTenant(input: AddTenantInput, ctx: TenantUseCaseContext) {
  const parsed = AddTenantSchema.safeParse(input);
  if (!parsed.success) throw new RekeyError('BAD_INPUT', parsed.error.issues.map((i) => i.message).join('; '));
  const v = parsed.data;
  const now = nowOf(ctx);
  const value = v.tenant.toLowerCase();
  let entraTenantId = value;
  if (!isTenantGuid(value)) {
    const r = await resolveTenantDomain(graphOf(ctx).authorityHost, value);
    if (!r.found) throw new RekeyError('BAD_INPUT', `Unknown domain: ${r.reason}.`, { reason: 'unknown_domain' });
    entraTenantId = r.tenantId;
  }
  const existing = await db.tenant.findUnique({ where: { entraTenantId }, select: { id: true, displayName: true } });
  if (existing)
    throw new RekeyError('CONFLICT', `Tenant ${entraTenantId} is already onboarded as "${existing.displayName}".`, {
      tenantId: existing.id,
    });
  try {
    return await db.$transaction(async (tx) => {
      const t = await tx.tenant.create({
        data: {
          entraTenantId,
          displayName: v.name || value,
          defaultDomain: isTenantGuid(value) ? null : value,
          region: v.region || 'global',
          group: v.group || null,
        },
      });
      await appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: 'tenant.create',
          targetType: 'tenant',
          targetId: t.id,
          tenantId: t.id,
          after: {
            entraTenantId,
            displayName: t.displayName,
            defaultDomain: t.defaultDomain,
            region: t.region,
            group: t.group,
          },
        },
        now,
      );
      return t;
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new RekeyError('CONFLICT', `Tenant ${entraTenantId} was onboarded by someone else meanwhile.`, undefined, {
        cause: e,
      });
    throw e;
  }
}
