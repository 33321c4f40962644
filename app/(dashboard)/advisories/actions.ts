'use server';
/**
 * Advisories: create from pasted indicators, import a vendor file, or mark one certificate
 * compromised. Each use case checks the caller is a fleet-wide operator (an advisory re-classifies
 * connectors in every tenant), parses all-or-nothing (bad rows are named; nothing is written) and
 * writes the advisory, its audit event and the re-classification in one transaction.
 */
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { defineAction } from '@/lib/auth/action';
import { createAdvisory } from '@/lib/detection/create-advisory';
import { importAdvisory } from '@/lib/detection/import-advisory';
import { markCertificateCompromised } from '@/lib/detection/mark-certificate-compromised';
import { MAX_ADVISORY_BYTES, SEVERITIES } from '@/lib/detection/parse-advisory';
import type { CreatedAdvisory } from '@/lib/detection/persist-advisory';
import { checkSize, SERVER_ACTION_BODY_LIMIT_BYTES } from '@/lib/limits';
import { findCertificateId } from '@/lib/certificates/find-certificate-id';

/** `<input type="datetime-local">` gives "2026-05-01T10:00" without a zone: the form says UTC, so it is UTC. */
const utcDate = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((v) =>
    v && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v.length === 16 ? `${v}:00` : v}Z` : v || undefined,
  );

const Meta = {
  severity: z.enum(SEVERITIES),
  publishedAt: utcDate,
  compromiseStart: utcDate,
  compromiseEnd: utcDate,
  guidance: z.string().max(20_000).optional(),
};

function done(r: CreatedAdvisory): never {
  revalidatePath('/advisories');
  revalidatePath('/');
  redirect(`/advisories/${r.id}?created=1&matched=${r.affectedConnectors}&changed=${r.reclassified.changed}`);
}

export const createAdvisoryAction = defineAction({
  name: 'advisories.create',
  role: 'operator',
  input: z.object({
    title: z.string().max(200).superRefine(refuseControlCharacters),
    indicators: z.string().max(MAX_ADVISORY_BYTES),
    ...Meta,
  }),
  maxBytes: MAX_ADVISORY_BYTES + 64 * 1024,
  handler: async (input, ctx) => done(await createAdvisory(ctx, input)),
});

export const importAdvisoryAction = defineAction({
  name: 'advisories.import',
  role: 'operator',
  input: z.object({
    file: z
      .instanceof(Blob, { message: 'Choose the advisory file (.json or .csv).' })
      .refine((f) => f.size > 0, 'The file is empty.')
      .superRefine((f, ctx) => {
        const tooLarge = checkSize('advisory', f.size);
        if (tooLarge)
          ctx.addIssue({
            code: 'custom',
            message: `${f instanceof File && f.name ? `"${f.name}": ` : ''}${tooLarge}.`,
          });
      }),
    title: z
      .string()
      .trim()
      .max(200)
      .superRefine(refuseControlCharacters)
      .optional()
      .transform((v) => v || undefined),
    severity: z
      .enum(SEVERITIES)
      .optional()
      .or(z.literal('').transform(() => undefined)),
    publishedAt: utcDate,
    compromiseStart: utcDate,
    compromiseEnd: utcDate,
    guidance: z
      .string()
      .max(20_000)
      .optional()
      .transform((v) => v || undefined),
  }),
  maxBytes: SERVER_ACTION_BODY_LIMIT_BYTES,
  handler: async ({ file, ...meta }, ctx) => {
    const fileName = (file as File).name || undefined;
    const content = await file.text();
    return done(await importAdvisory(ctx, { content, fileName, ...meta }));
  },
});

export const markCompromisedAction = defineAction({
  name: 'advisories.mark-certificate',
  role: 'operator',
  input: z.object({
    certificate: z.string().trim().min(1, 'Give a certificate id or thumbprint.').max(200),
    severity: z.enum(SEVERITIES).default('critical'),
    title: z
      .string()
      .trim()
      .max(200)
      .superRefine(refuseControlCharacters)
      .optional()
      .transform((v) => v || undefined),
    compromiseStart: utcDate,
    compromiseEnd: utcDate,
    guidance: z
      .string()
      .max(20_000)
      .optional()
      .transform((v) => v || undefined),
  }),
  handler: async ({ certificate, ...rest }, ctx) => {
    const certificateId = await findCertificateId(ctx, certificate);
    return done(await markCertificateCompromised(ctx, { certificateId, ...rest }));
  },
});
