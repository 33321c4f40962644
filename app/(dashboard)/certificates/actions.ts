'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { defineAction } from '@/lib/auth/action';
import {
  completeCertificateRequest,
  createCertificateRequest,
  CreateCsrSchema,
  generateCertificate,
  GenerateCertificateSchema,
} from '@/lib/certificates/generate-certificate';
import { CertificateUploadSchema, importCertificate, inspectCertificate } from '@/lib/certificates/import-certificate';
import { setRegionReplacement, SetRegionReplacementSchema } from '@/lib/certificates/set-region-replacement';
import { SERVER_ACTION_BODY_LIMIT_BYTES } from '@/lib/limits';

// The whole body Next accepts: the file's own limit (lib/limits.ts) is checked by the schema, with
// a message that names the file, its size and the limit.
const maxBytes = SERVER_ACTION_BODY_LIMIT_BYTES;

// An upload never makes a certificate a region's replacement (issue 16 item 3): the dashboard's
// upload has no region; setRegionReplacementAction below is that separate, confirmed action.
const UploadSchema = CertificateUploadSchema.omit({ region: true });

/** Parses and validates an upload; stores nothing. */
export const inspectCertificateAction = defineAction({
  name: 'certificates.inspect',
  role: 'operator',
  input: UploadSchema,
  maxBytes,
  handler: (input, ctx) => inspectCertificate(ctx, input),
});

export const importCertificateAction = defineAction({
  name: 'certificates.import',
  role: 'operator',
  input: UploadSchema,
  maxBytes,
  handler: (input, ctx) => importCertificate(ctx, input),
});

export const generateCertificateAction = defineAction({
  name: 'certificates.generate',
  role: 'operator',
  input: GenerateCertificateSchema.omit({ region: true }),
  handler: async (input, ctx) => {
    const { id } = await generateCertificate(ctx, input);
    redirect(`/certificates/${id}?created=1`);
  },
});

export const createCsrAction = defineAction({
  name: 'certificates.csr',
  role: 'operator',
  input: CreateCsrSchema,
  handler: async (input, ctx) => {
    const { id } = await createCertificateRequest(ctx, input);
    // The request's page shows the CSR to send and takes the certificate the CA issues.
    redirect(`/certificates/requests/${id}`);
  },
});

export const completeCsrAction = defineAction({
  name: 'certificates.csr_complete',
  role: 'operator',
  input: z.object({ requestId: z.uuid(), file: CertificateUploadSchema.shape.file }),
  maxBytes,
  handler: async (input, ctx) => {
    const { id } = await completeCertificateRequest(ctx, input);
    redirect(`/certificates/${id}?created=1`);
  },
});

/** Its own confirmed, audited action (never a side effect of an upload): lib/certificates/set-region-replacement.ts. */
export const setRegionReplacementAction = defineAction({
  name: 'certificates.set_region_replacement',
  role: 'admin',
  input: SetRegionReplacementSchema,
  handler: async (input, ctx) => {
    const impact = await setRegionReplacement(ctx, input);
    revalidatePath(`/certificates/${input.certificateId}`);
    return impact;
  },
});
