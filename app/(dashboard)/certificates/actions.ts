'use server';

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
import { db } from '@/lib/db';
import { SERVER_ACTION_BODY_LIMIT_BYTES } from '@/lib/limits';

// The whole body Next accepts: the file's own limit (lib/limits.ts) is checked by the schema, with
// a message that names the file, its size and the limit.
const maxBytes = SERVER_ACTION_BODY_LIMIT_BYTES;

/** Parses and validates an upload; stores nothing. */
export const inspectCertificateAction = defineAction({
  name: 'certificates.inspect',
  role: 'operator',
  input: CertificateUploadSchema,
  maxBytes,
  handler: (input, { now }) => inspectCertificate(db, input, now),
});

export const importCertificateAction = defineAction({
  name: 'certificates.import',
  role: 'operator',
  input: CertificateUploadSchema,
  maxBytes,
  handler: (input, { actor, now }) => importCertificate(db, actor, input, now),
});

export const generateCertificateAction = defineAction({
  name: 'certificates.generate',
  role: 'operator',
  input: GenerateCertificateSchema,
  handler: async (input, { actor, now }) => {
    const { id } = await generateCertificate(db, actor, input, now);
    redirect(`/certificates/${id}?created=1`);
  },
});

export const createCsrAction = defineAction({
  name: 'certificates.csr',
  role: 'operator',
  input: CreateCsrSchema,
  handler: (input, { actor }) => createCertificateRequest(db, actor, input),
});

export const completeCsrAction = defineAction({
  name: 'certificates.csr_complete',
  role: 'operator',
  input: z.object({ requestId: z.uuid(), file: CertificateUploadSchema.shape.file }),
  maxBytes,
  handler: async (input, { actor, now }) => {
    const { id } = await completeCertificateRequest(db, actor, input, now);
    redirect(`/certificates/${id}?created=1`);
  },
});
