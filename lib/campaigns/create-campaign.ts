/**
 * Creates a campaign: load (resolve the selection in the creator's operator scope) → authorize →
 * validate (every selected connector's region has a valid certificate mapped) → write the
 * campaign, its region → certificate map, one item per connector (planned into waves) and the
 * audit event in ONE transaction. Nothing runs yet: the campaign is DRAFT, or AWAITING_APPROVAL
 * when approval was asked for or the selection is fleet-wide (more than `approvalThreshold`
 * connectors) — then a second admin must approve before it can start.
 */
import { z } from 'zod';
import { ALREADY_ON_TARGET } from '@/lib/campaigns/campaign-outcome';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { hasRole, tenantScopeWhere } from '@/lib/auth/principal';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { requireValidCertificate } from '@/lib/certs/validate-for-entra';
import type { Prisma } from '@/lib/db';
import { RekeyError, isRekeyError } from '@/lib/errors';
import { DEFAULT_WAVES, WavesSchema, planWaves, waveSizes } from '@/lib/campaigns/plan-waves';
import { SelectionSchema, resolveSelection } from '@/lib/campaigns/resolve-selection';
import { findCertificateByIdOrThumbprint } from '@/lib/rotation/find-certificate';
import type { UseCaseContext } from '@/lib/use-case';
import { requireTrustedReplacement } from '@/lib/rotation/preflight-trust';
import { MAX_CUTOVER_WAIT_HOURS } from '@/lib/rotation/machine';

/** Above this many connectors a campaign counts as fleet-wide and needs a second admin's approval. */
export const DEFAULT_APPROVAL_THRESHOLD = 100;

export const CreateCampaignSchema = z.object({
  name: z.string().trim().min(1).max(200),
  selection: SelectionSchema,
  /** Region → certificate id or SHA-1 thumbprint. */
  regionCertificates: z.record(z.string().trim().min(1).max(64), z.string().trim().min(1).max(128)),
  mode: z.enum(['rotate', 'reestablish']).default('rotate'),
  concurrency: z.number().int().min(1).max(500).default(20),
  waves: WavesSchema.default(DEFAULT_WAVES),
  deadline: z.coerce.date().optional(),
  requiresApproval: z.boolean().default(false),
  /**
   * Rotate mode: routine items keep the old key until the vendor's cutover, for at most this many
   * hours (ADR 022); compromised or targeted items never wait. null/omitted: no item waits.
   */
  cutoverWaitHours: z.number().int().min(1).max(MAX_CUTOVER_WAIT_HOURS).nullable().optional(),
});
export type CreateCampaignInput = z.input<typeof CreateCampaignSchema>;

export interface CreateCampaignOptions {
  approvalThreshold?: number;
}

function badInput(e: z.ZodError): RekeyError {
  return new RekeyError('BAD_INPUT', e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
}

export async function createCampaign(
  ctx: UseCaseContext,
  input: CreateCampaignInput,
  opts: CreateCampaignOptions = {},
) {
  const parsed = CreateCampaignSchema.safeParse(input);
  if (!parsed.success) throw badInput(parsed.error);
  const data = parsed.data;

  // authorize: an operator somewhere; the selection is cut to their operator scope.
  if (ctx.principal && !hasRole(ctx.principal, 'operator'))
    throw new RekeyError('FORBIDDEN', 'Creating a campaign needs the Operator role.', { need: 'operator' });
  const scope = ctx.principal ? tenantScopeWhere(ctx.principal, 'operator') : {};

  // load
  const resolved = await resolveSelection(ctx.db, data.selection, scope);
  if (resolved.eligible.length + resolved.skipped.length === 0)
    throw new RekeyError('BAD_INPUT', 'The selection matches no connector you may rotate.');

  // validate: a valid certificate for every region the selection touches
  const regionsUsed = [...new Set([...resolved.eligible, ...resolved.skipped].map((c) => c.region))].sort();
  const missing = regionsUsed.filter((r) => !(r in data.regionCertificates));
  if (missing.length > 0) {
    throw new RekeyError(
      'BAD_INPUT',
      `No certificate is mapped for region(s) ${missing.join(', ')}; map each region of the selection to its new certificate.`,
      { missingRegions: missing },
    );
  }
  const certByRegion = new Map<string, { id: string; sha1Thumbprint: string }>();
  for (const region of regionsUsed) {
    const ref = data.regionCertificates[region]!;
    const cert = await findCertificateByIdOrThumbprint(ctx.db, ref);
    if (!cert)
      throw new RekeyError('BAD_INPUT', `Region ${region}: no certificate "${ref}" in the inventory.`, { region });
    try {
      requireValidCertificate(certificateFactsFromDer(Buffer.from(cert.der)), { now: ctx.now });
    } catch (e) {
      if (isRekeyError(e))
        throw new RekeyError(
          'BAD_INPUT',
          `Region ${region}: certificate ${cert.sha1Thumbprint} cannot be used: ${e.message}`,
          { region, ...e.details },
        );
      throw new RekeyError(
        'BAD_INPUT',
        `Region ${region}: certificate ${cert.sha1Thumbprint} cannot be read: ${(e as Error).message}`,
        { region },
      );
    }
    await requireTrustedReplacement(ctx.db, cert.id, { what: `Region ${region}: certificate ${cert.sha1Thumbprint}` });
    certByRegion.set(region, { id: cert.id, sha1Thumbprint: cert.sha1Thumbprint });
  }
  if (data.deadline && data.deadline.getTime() <= ctx.now.getTime())
    throw new RekeyError('BAD_INPUT', 'The deadline must lie in the future.');

  // connectors already on their region's new certificate need nothing
  const skipped = [...resolved.skipped];
  const eligible = resolved.eligible.filter((c) => {
    if (c.currentCertificateId && c.currentCertificateId === certByRegion.get(c.region)?.id) {
      skipped.push({ ...c, reason: ALREADY_ON_TARGET });
      return false;
    }
    return true;
  });

  const plan = planWaves(eligible, data.waves);
  const lastWave = data.waves.length - 1;
  const total = eligible.length + skipped.length;
  const threshold = opts.approvalThreshold ?? DEFAULT_APPROVAL_THRESHOLD;
  const requiresApproval = data.requiresApproval || total > threshold;
  const sizes = waveSizes(data.waves, eligible.length);

  return ctx.db.$transaction(
    async (tx) => {
      const campaign = await tx.campaign.create({
        data: {
          name: data.name,
          state: requiresApproval ? 'AWAITING_APPROVAL' : 'DRAFT',
          mode: data.mode,
          selection: data.selection as Prisma.InputJsonValue,
          concurrency: data.concurrency,
          waves: data.waves.map((w, i) => ({ ...w, planned: sizes[i] ?? 0 })) as Prisma.InputJsonValue,
          currentWave: 0,
          deadline: data.deadline ?? null,
          requiresApproval,
          cutoverWaitHours: data.mode === 'rotate' ? (data.cutoverWaitHours ?? null) : null,
          createdById: ctx.principal?.userId ?? ctx.actor.id,
          createdAt: ctx.now,
        },
      });
      await tx.campaignRegionCertificate.createMany({
        data: [...certByRegion].map(([region, c]) => ({ campaignId: campaign.id, region, certificateId: c.id })),
      });
      const rows: Prisma.CampaignItemCreateManyInput[] = [
        ...plan.map((p) => ({
          campaignId: campaign.id,
          connectorId: p.connectorId,
          wave: p.wave,
          state: 'QUEUED' as const,
        })),
        ...skipped.map((s) => ({
          campaignId: campaign.id,
          connectorId: s.connectorId,
          wave: lastWave,
          state: 'SKIPPED' as const,
          message: s.reason,
        })),
      ];
      for (let i = 0; i < rows.length; i += 5_000) await tx.campaignItem.createMany({ data: rows.slice(i, i + 5_000) });
      await appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: 'campaign.created',
          targetType: 'campaign',
          targetId: campaign.id,
          after: {
            name: campaign.name,
            state: campaign.state,
            mode: data.mode,
            concurrency: data.concurrency,
            waves: data.waves,
            plannedWaves: sizes,
            deadline: data.deadline?.toISOString() ?? null,
            requiresApproval,
            cutoverWaitHours: data.mode === 'rotate' ? (data.cutoverWaitHours ?? null) : null,
            selection: data.selection,
            regions: Object.fromEntries([...certByRegion].map(([r, c]) => [r, c.sha1Thumbprint])),
            queued: plan.length,
            skipped: skipped.length,
          },
        },
        ctx.now,
      );
      return { campaign, queued: plan.length, skipped: skipped.length };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
