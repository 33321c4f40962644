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
import {
  CertificateUploadSchema,
  importCertificate,
  inspectCertificate,
  MAX_CERTIFICATE_UPLOAD_BYTES,
} from '@/lib/certificates/import-certificate';
import { db } from '@/lib/db';

const maxBytes = MAX_CERTIFICATE_UPLOAD_BYTES + 16 * 1024;

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
