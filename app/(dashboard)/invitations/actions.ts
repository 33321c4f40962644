'use server';
/**
 * Invitations: create customer self-service rotation links from a connector, or from a list of
 * tenants (id or domain, optional e-mail per line) — customers Rekey does not manage included.
 * The links are returned once (only hashes are stored) for the vendor to copy or export.
 */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import { defaultPublicUrl, env } from '@/lib/env';
import { createInvitations, type CreateInvitationsResult } from '@/lib/invitations/create-invitations';
import { createdInvitationsCsv } from '@/lib/invitations/export-invitations';

export interface CreatedView {
  created: { id: string; link: string; target: string; email: string | null; expiresAt: string }[];
  skipped: CreateInvitationsResult['skipped'];
  csv: string;
}

export const createInvitationsAction = defineAction({
  name: 'invitations.create',
  role: 'operator',
  input: z.object({
    connectorId: z
      .uuid()
      .optional()
      .or(z.literal('').transform(() => undefined)),
    advisoryId: z
      .uuid()
      .optional()
      .or(z.literal('').transform(() => undefined)),
    campaignId: z
      .uuid()
      .optional()
      .or(z.literal('').transform(() => undefined)),
    tenants: z
      .string()
      .max(1024 * 1024)
      .optional(),
    certificateId: z.uuid({ message: 'Choose the certificate to install.' }),
    expiresInDays: z.coerce.number().int().min(1).max(90).default(14),
  }),
  maxBytes: 1024 * 1024 + 16 * 1024,
  handler: async (input, ctx): Promise<CreatedView> => {
    const e = env();
    const lines = (input.tenants ?? '').trim();
    const res = await createInvitations(
      ctx,
      {
        source: input.connectorId
          ? { kind: 'connectors', connectorIds: [input.connectorId] }
          : input.campaignId
            ? { kind: 'campaign', campaignId: input.campaignId }
            : input.advisoryId
              ? { kind: 'advisory', advisoryId: input.advisoryId }
              : { kind: 'csv', text: `tenant,email\n${lines}` },
        certificateId: input.certificateId,
        expiresInDays: input.expiresInDays,
      },
      { baseUrl: e.REKEY_PUBLIC_URL ?? defaultPublicUrl(e) },
    );
    revalidatePath('/invitations');
    return {
      created: res.created.map((c) => ({ ...c, expiresAt: c.expiresAt.toISOString() })),
      skipped: res.skipped,
      csv: createdInvitationsCsv(res.created),
    };
  },
});
