'use server';
/**
 * Tenants: onboarding (one by id/domain, or a CSV import), consent checks and scans. Each use case
 * authorizes itself (lib/tenants): adding/importing needs a fleet-wide operator; per-tenant actions
 * need the operator role for that tenant (NOT_FOUND outside the scope).
 */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction, type ActionContext } from '@/lib/auth/action';
import { scanDrift } from '@/lib/detection/scan-drift';
import { scanSignIns } from '@/lib/detection/scan-sign-ins';
import { checkSize, SERVER_ACTION_BODY_LIMIT_BYTES } from '@/lib/limits';
import { addTenant, AddTenantSchema } from '@/lib/tenants/add-tenant';
import { checkTenantConsent } from '@/lib/tenants/check-tenant-consent';
import { getAdminConsentUrl } from '@/lib/tenants/get-admin-consent-url';
import { importTenants } from '@/lib/tenants/import-tenants';
import { scanTenant } from '@/lib/tenants/scan-tenant';

/** Consent links are best-effort extras: a missing management-app configuration must not hide the result. */
async function consentUrlFor(ctx: ActionContext, tenantId: string): Promise<string | null> {
  try {
    return await getAdminConsentUrl(ctx, { tenantId });
  } catch {
    return null;
  }
}

export const addTenantAction = defineAction({
  name: 'tenants.add',
  role: 'operator',
  input: AddTenantSchema,
  handler: async (input, ctx) => {
    const t = await addTenant(ctx, input);
    revalidatePath('/tenants');
    return {
      id: t.id,
      displayName: t.displayName,
      entraTenantId: t.entraTenantId,
      consentUrl: await consentUrlFor(ctx, t.id),
    };
  },
});

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

const ImportTenantsFormSchema = z
  .object({
    csv: z
      .string()
      .optional()
      .superRefine((csv, ctx) => {
        const tooLarge = csv === undefined ? null : checkSize('csv', Buffer.byteLength(csv));
        if (tooLarge) ctx.addIssue({ code: 'custom', message: `The pasted CSV: ${tooLarge}.` });
      }),
    file: z
      .instanceof(Blob)
      .optional()
      .superRefine((f, ctx) => {
        const tooLarge = f ? checkSize('csv', f.size) : null;
        if (tooLarge)
          ctx.addIssue({
            code: 'custom',
            message: `${f instanceof File && f.name ? `"${f.name}": ` : ''}${tooLarge}.`,
          });
      }),
    dryRun: checkbox.optional(),
  })
  .refine((v) => Boolean(v.file?.size) || Boolean(v.csv?.trim()), {
    message: 'Paste the CSV or choose a file.',
    path: ['csv'],
  });

export const importTenantsAction = defineAction({
  name: 'tenants.import',
  role: 'operator',
  input: ImportTenantsFormSchema,
  maxBytes: SERVER_ACTION_BODY_LIMIT_BYTES,
  handler: async (input, ctx) => {
    const csv = input.file && input.file.size > 0 ? await input.file.text() : (input.csv ?? '');
    const result = await importTenants(ctx, { csv, dryRun: input.dryRun ?? false });
    if (result.imported > 0) revalidatePath('/tenants');
    // Consent links for what was created (the next step for each tenant's administrator).
    const created = result.tenantIds.slice(0, 200);
    const consentUrls = await Promise.all(created.map(async (id) => ({ id, url: await consentUrlFor(ctx, id) })));
    return { ...result, dryRun: input.dryRun ?? false, consentUrls };
  },
});

const TenantIdSchema = z.object({ tenantId: z.uuid() });

export const checkConsentAction = defineAction({
  name: 'tenants.check-consent',
  role: 'operator',
  input: TenantIdSchema,
  handler: async ({ tenantId }, ctx) => {
    const r = await checkTenantConsent(ctx, { tenantId });
    revalidatePath(`/tenants/${tenantId}`);
    return {
      state: r.state,
      detail: r.detail,
      grantedRoles: r.grantedRoles,
      missing: r.missing,
      signInLogState: r.signInLogState,
      changed: r.changed,
    };
  },
});

export const scanTenantAction = defineAction({
  name: 'tenants.scan',
  role: 'operator',
  input: TenantIdSchema,
  handler: async ({ tenantId }, ctx) => {
    const summary = await scanTenant(ctx, { tenantId });
    // Discovery stores what the tenant holds; the drift scan judges it and re-classifies.
    const drift = await scanDrift(ctx, { tenantIds: [tenantId] });
    revalidatePath(`/tenants/${tenantId}`);
    return { ...summary, driftedConnectors: drift.driftedConnectors };
  },
});

export const scanSignInsAction = defineAction({
  name: 'tenants.scan-sign-ins',
  role: 'operator',
  input: TenantIdSchema,
  handler: async ({ tenantId }, ctx) => {
    const r = await scanSignIns(ctx, { tenantIds: [tenantId] });
    revalidatePath(`/tenants/${tenantId}`);
    const t = r.tenants[0];
    return {
      state: t?.state ?? 'error',
      detail: t?.detail ?? null,
      signInsRead: t?.signInsRead ?? 0,
      evidenceStored: t?.evidenceStored ?? 0,
      unknownAddressUses: t?.unknownAddressUses ?? 0,
      nonCertificateSignIns: t?.nonCertificateSignIns ?? 0,
    };
  },
});
