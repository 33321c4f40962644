/** Onboards one tenant by tenant id or domain (the domain resolves through its OpenID configuration). */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { isUniqueViolation } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { resolveTenantDomain } from '@/lib/graph/resolve-tenant';
import { TenantRowSchema, isTenantGuid } from '@/lib/tenants/parse-tenant-csv';
import { isFleetWide } from '@/lib/auth/principal';
import type { UseCaseContext } from '@/lib/use-case';

export const AddTenantSchema = z.object({
  tenant: TenantRowSchema.shape.tenant,
  /** Default: the domain, or the tenant id. */
  name: z.string().trim().max(200).superRefine(refuseControlCharacters).optional(),
  region: z.string().trim().max(40).superRefine(refuseControlCharacters).optional(),
  group: z.string().trim().max(100).superRefine(refuseControlCharacters).optional(),
});
export type AddTenantInput = z.input<typeof AddTenantSchema>;

/** Onboarding needs a fleet-wide operator: a scoped operator could not see the tenant they create. */
export function requireFleetWideOperator(ctx: Pick<UseCaseContext, 'principal'>, what = 'Adding tenants'): void {
  if (ctx.principal && !isFleetWide(ctx.principal, 'operator'))
    throw new RekeyError('FORBIDDEN', `${what} needs the Operator role for the whole fleet.`, { need: 'operator' });
}

export async function addTenant(ctx: UseCaseContext, input: AddTenantInput) {
  requireFleetWideOperator(ctx);
  const parsed = AddTenantSchema.safeParse(input);
  if (!parsed.success) throw new RekeyError('BAD_INPUT', parsed.error.issues.map((i) => i.message).join('; '));
  const v = parsed.data;
  const { now } = ctx;
  const value = v.tenant.toLowerCase();
  let entraTenantId = value;
  if (!isTenantGuid(value)) {
    const r = await resolveTenantDomain(ctx.graph(null).authorityHost, value);
    if (!r.found) throw new RekeyError('BAD_INPUT', `Unknown domain: ${r.reason}.`, { reason: 'unknown_domain' });
    entraTenantId = r.tenantId;
  }
  const existing = await ctx.db.tenant.findUnique({
    where: { entraTenantId },
    select: { id: true, displayName: true },
  });
  if (existing)
    throw new RekeyError('CONFLICT', `Tenant ${entraTenantId} is already onboarded as "${existing.displayName}".`, {
      tenantId: existing.id,
    });
  try {
    return await ctx.db.$transaction(async (tx) => {
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
