'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { defineAction } from '@/lib/auth/action';
import { approveCampaign } from '@/lib/campaigns/approve-campaign';
import { cancelCampaign } from '@/lib/campaigns/cancel-campaign';
import { createCampaign, DEFAULT_APPROVAL_THRESHOLD, type CreateCampaignInput } from '@/lib/campaigns/create-campaign';
import { pauseCampaign } from '@/lib/campaigns/pause-campaign';
import { SelectionSchema, type Selection } from '@/lib/campaigns/resolve-selection';
import { resumeCampaign } from '@/lib/campaigns/resume-campaign';
import { retryFailed } from '@/lib/campaigns/retry-failed';
import { startCampaign } from '@/lib/campaigns/start-campaign';
import { RekeyError } from '@/lib/errors';
import { findCampaignSelection, getCampaignStartFacts } from '@/lib/campaigns/campaign-queries';
import { START_CONFIRM_TEXT, startNeedsTypedConfirmation } from './_lib/campaign-rules';
import { DEFAULT_CUTOVER_WAIT_HOURS, MAX_CUTOVER_WAIT_HOURS } from '@/lib/rotation/machine';

const opt = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().trim().max(200).optional());

const CreateCampaignFormSchema = z
  .object({
    name: z.string().trim().min(1, 'Give the campaign a name.').max(200).superRefine(refuseControlCharacters),
    advisoryId: opt,
    region: opt,
    group: opt,
    connectorTypeId: opt,
    status: opt,
    q: opt,
    fromCampaignId: opt,
    mode: z.enum(['rotate', 'reestablish']).default('rotate'),
    concurrency: z.coerce.number().int().min(1).max(500).default(20),
    canarySize: z.coerce.number().int().min(0).max(100_000).default(5),
    deadline: opt,
    tzOffset: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(-900).max(900).optional()),
    requiresApproval: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
    cutoverWait: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
    cutoverWaitHours: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.coerce
        .number({ error: 'Enter the hours as a whole number.' })
        .int('Enter the hours as a whole number.')
        .min(1, 'Wait at least 1 hour.')
        .max(MAX_CUTOVER_WAIT_HOURS, `Wait at most ${MAX_CUTOVER_WAIT_HOURS} hours.`)
        .default(DEFAULT_CUTOVER_WAIT_HOURS),
    ),
  })
  .catchall(z.unknown());

/** `2026-05-01T12:30` typed in the browser's zone (offset in minutes, as getTimezoneOffset()) → Date. */
function parseLocalDeadline(value: string | undefined, tzOffset: number | undefined): Date | undefined {
  if (!value) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m)
    throw new RekeyError('BAD_INPUT', 'Some fields are not valid.', {
      fieldErrors: { deadline: ['Pick a date and time.'] },
    });
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return new Date(utc + (tzOffset ?? 0) * 60_000);
}

export const createCampaignAction = defineAction({
  name: 'campaigns.create',
  role: 'operator',
  input: CreateCampaignFormSchema,
  handler: async (input, ctx) => {
    let selection: Selection;
    let from: { id: string; state: string } | null = null;
    if (input.fromCampaignId) {
      const c = await findCampaignSelection(ctx, input.fromCampaignId);
      selection = SelectionSchema.parse(c.selection);
      from = { id: c.id, state: c.state };
    } else {
      const filters = Object.fromEntries(
        Object.entries({
          advisoryId: input.advisoryId,
          region: input.region,
          group: input.group,
          connectorTypeId: input.connectorTypeId,
          status: input.status,
          q: input.q,
        }).filter(([, v]) => v !== undefined),
      );
      const parsed = SelectionSchema.safeParse({ kind: 'filter', filters });
      if (!parsed.success) throw new RekeyError('BAD_INPUT', 'The selection is not valid.');
      selection = parsed.data;
    }
    const regionCertificates: Record<string, string> = {};
    for (const [k, v] of Object.entries(input)) {
      if (k.startsWith('cert:') && typeof v === 'string' && v) regionCertificates[k.slice(5)] = v;
    }
    const data: CreateCampaignInput = {
      name: input.name,
      selection,
      regionCertificates,
      mode: input.mode,
      concurrency: input.concurrency,
      waves: input.canarySize > 0 ? [{ size: input.canarySize, maxFailures: 0 }, { size: null }] : [{ size: null }],
      deadline: parseLocalDeadline(input.deadline, input.tzOffset),
      requiresApproval: input.requiresApproval,
      cutoverWaitHours: input.mode === 'rotate' && input.cutoverWait ? input.cutoverWaitHours : null,
    };
    const { campaign } = await createCampaign(ctx, data);
    // "Edit" of a draft = a new campaign from the same selection; the old draft is withdrawn.
    if (from && (from.state === 'DRAFT' || from.state === 'AWAITING_APPROVAL' || from.state === 'APPROVED'))
      await cancelCampaign(ctx, from.id, { cancelRunning: false });
    revalidatePath('/campaigns');
    redirect(`/campaigns/${campaign.id}?created=1`);
  },
});

const IdInput = z.object({ campaignId: z.uuid() });

export const startCampaignAction = defineAction({
  name: 'campaigns.start',
  role: 'operator',
  input: IdInput.extend({ confirmText: z.string().max(200).optional() }),
  handler: async ({ campaignId, confirmText }, ctx) => {
    const c = await getCampaignStartFacts(ctx, campaignId);
    if (
      startNeedsTypedConfirmation(c.mode, c.items, DEFAULT_APPROVAL_THRESHOLD) &&
      confirmText !== START_CONFIRM_TEXT
    ) {
      throw new RekeyError('BAD_INPUT', `Type ${START_CONFIRM_TEXT} to start this campaign.`, {
        fieldErrors: { confirmText: [`Type ${START_CONFIRM_TEXT} to confirm.`] },
      });
    }
    await startCampaign(ctx, campaignId);
    revalidatePath(`/campaigns/${campaignId}`);
    return 'started' as const;
  },
});

export const approveCampaignAction = defineAction({
  name: 'campaigns.approve',
  role: 'admin',
  input: IdInput,
  handler: async ({ campaignId }, ctx) => {
    await approveCampaign(ctx, campaignId);
    revalidatePath(`/campaigns/${campaignId}`);
    return 'approved' as const;
  },
});

export const pauseCampaignAction = defineAction({
  name: 'campaigns.pause',
  role: 'operator',
  input: IdInput,
  handler: async ({ campaignId }, ctx) => {
    await pauseCampaign(ctx, campaignId);
    revalidatePath(`/campaigns/${campaignId}`);
    return 'paused' as const;
  },
});

export const resumeCampaignAction = defineAction({
  name: 'campaigns.resume',
  role: 'operator',
  input: IdInput,
  handler: async ({ campaignId }, ctx) => {
    await resumeCampaign(ctx, campaignId);
    revalidatePath(`/campaigns/${campaignId}`);
    return 'resumed' as const;
  },
});

export const cancelCampaignAction = defineAction({
  name: 'campaigns.cancel',
  role: 'operator',
  input: IdInput,
  handler: async ({ campaignId }, ctx) => {
    await cancelCampaign(ctx, campaignId);
    revalidatePath(`/campaigns/${campaignId}`);
    return 'cancelled' as const;
  },
});

export const retryFailedAction = defineAction({
  name: 'campaigns.retry_failed',
  role: 'operator',
  input: IdInput,
  handler: async ({ campaignId }, ctx) => {
    await retryFailed(ctx, { campaignId });
    revalidatePath(`/campaigns/${campaignId}`);
    return 'retried' as const;
  },
});
