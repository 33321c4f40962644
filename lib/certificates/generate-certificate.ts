/**
 * Generate a key pair and a self-signed certificate in Rekey (private key sealed at once), or a
 * CSR for the vendor's CA whose key waits sealed until the issued certificate is imported.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { requireCertificateRole, type CertificateContext } from '@/lib/certificates/certificate-context';
import { createCsr } from '@/lib/certs/create-csr';
import { createSelfSignedCertificate, MAX_CERTIFICATE_DAYS } from '@/lib/certs/create-self-signed-certificate';
import { matchIssuedCertificate } from '@/lib/certs/match-issued-certificate';
import type { CertificateFacts } from '@/lib/certs/certificate-facts';
import { validateForEntra } from '@/lib/certs/validate-for-entra';
import { isRekeyError, RekeyError } from '@/lib/errors';
import { LIMITS } from '@/lib/limits';
import { openForCertificate, sealForCertificate } from '@/lib/vault/key-ring';

const Subject = z
  .string()
  .trim()
  .min(4, 'Enter a subject such as "CN=Litware Connect 2027".')
  .max(400)
  .superRefine(refuseControlCharacters)
  .regex(
    /^(?:[A-Za-z][A-Za-z0-9.]*=[^,=]+)(?:\s*,\s*[A-Za-z][A-Za-z0-9.]*=[^,=]+)*$/,
    'Write the subject as KEY=value pairs separated by commas, e.g. "CN=Litware Connect 2027, O=Litware".',
  );

export const GenerateCertificateSchema = z.object({
  subject: Subject,
  days: z.coerce.number().int().min(1).max(MAX_CERTIFICATE_DAYS, `At most ${MAX_CERTIFICATE_DAYS} days.`).default(365),
  keySize: z.coerce
    .number()
    .pipe(
      z.union([z.literal(2048), z.literal(3072), z.literal(4096)], {
        message: 'Key size must be 2048, 3072 or 4096 bits.',
      }),
    )
    .default(2048),
  label: z.string().trim().max(120).superRefine(refuseControlCharacters).optional(),
  region: z.string().trim().max(64).superRefine(refuseControlCharacters).optional(),
});
export type GenerateCertificateInput = z.infer<typeof GenerateCertificateSchema>;

/** Operator. */
export async function generateCertificate(
  ctx: CertificateContext,
  input: GenerateCertificateInput,
): Promise<{ id: string }> {
  requireCertificateRole(ctx, 'operator', 'Generating a certificate');
  const { db, actor, now } = ctx;
  const { facts, keyPem } = await createSelfSignedCertificate({
    subject: input.subject,
    days: input.days,
    bits: input.keySize,
    now,
  });
  const sealed = sealForCertificate(keyPem, facts.sha256Thumbprint);
  return db.$transaction(async (tx) => {
    const row = await tx.certificate.create({
      data: {
        sha1Thumbprint: facts.sha1Thumbprint,
        sha256Thumbprint: facts.sha256Thumbprint,
        serialNumber: facts.serialNumber,
        subject: facts.subject,
        issuer: facts.issuer,
        notBefore: facts.notBefore,
        notAfter: facts.notAfter,
        keyType: facts.keyType,
        keySize: facts.keySize ?? null,
        signatureAlgorithm: facts.signatureAlgorithm,
        der: Buffer.from(facts.derBase64, 'base64'),
        sealedPrivateKey: sealed,
        source: 'generated',
        label: input.label || null,
        region: input.region || null,
        createdById: actor.id,
      },
      select: { id: true },
    });
    await appendAuditEvent(tx, actor, {
      action: 'certificate.generate',
      targetType: 'certificate',
      targetId: row.id,
      after: {
        subject: facts.subject,
        sha1Thumbprint: facts.sha1Thumbprint,
        notAfter: facts.notAfter,
        keySize: input.keySize,
      },
    });
    return { id: row.id };
  });
}

export const CreateCsrSchema = GenerateCertificateSchema.pick({ subject: true, keySize: true });

function publicKeySha256(keyPem: string): string {
  return createHash('sha256')
    .update(createPublicKey(keyPem).export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .toUpperCase();
}

/** Operator. */
export async function createCertificateRequest(
  ctx: CertificateContext,
  input: z.infer<typeof CreateCsrSchema>,
): Promise<{ id: string; csrPem: string }> {
  requireCertificateRole(ctx, 'operator', 'Creating a CSR');
  const { db, actor } = ctx;
  const { csrPem, keyPem } = await createCsr({ subject: input.subject, bits: input.keySize });
  const spki = publicKeySha256(keyPem);
  const sealed = sealForCertificate(keyPem, spki);
  return db.$transaction(async (tx) => {
    const row = await tx.certificateRequest.create({
      data: { subject: input.subject, csrPem, sealedPrivateKey: sealed, publicKeySha256: spki, createdById: actor.id },
      select: { id: true },
    });
    await appendAuditEvent(tx, actor, {
      action: 'certificate.request',
      targetType: 'certificateRequest',
      targetId: row.id,
      after: { subject: input.subject, keySize: input.keySize },
    });
    return { id: row.id, csrPem };
  });
}

/** Imports the certificate the vendor's CA issued for a pending request, matched to its sealed key. */
export async function completeCertificateRequest(
  ctx: CertificateContext,
  input: { requestId: string; file: Blob },
): Promise<{ id: string }> {
  requireCertificateRole(ctx, 'operator', 'Completing a CSR');
  const { db, actor, now } = ctx;
  const request = await db.certificateRequest.findUnique({
    where: { id: input.requestId },
    select: { id: true, completedAt: true, certificateId: true, sealedPrivateKey: true, publicKeySha256: true },
  });
  if (!request) throw new RekeyError('NOT_FOUND', 'That certificate request does not exist.');
  if (request.completedAt)
    throw new RekeyError('CONFLICT', 'That certificate request was already completed.', {
      certificateId: request.certificateId,
    });
  const filename = (input.file as File).name || 'the uploaded file';
  const keyPem = openForCertificate(request.sealedPrivateKey, request.publicKeySha256);
  // Every refusal of the file is the file field's error (the form shows it there); nothing is written.
  const onFile = (e: unknown): never => {
    if (!isRekeyError(e) || e.details?.fieldErrors) throw e;
    throw new RekeyError(e.code, e.message, { ...e.details, fieldErrors: { file: [e.message] } }, { cause: e });
  };
  let facts: CertificateFacts;
  try {
    ({ facts } = matchIssuedCertificate(Buffer.from(await input.file.arrayBuffer()), keyPem, {
      filename,
      maxBytes: LIMITS.certificate,
    }));
  } catch (e) {
    return onFile(e);
  }
  const validation = validateForEntra(facts, { now, filename, privateKeyPem: keyPem });
  if (!validation.ok) {
    const message = validation.errors.map((e) => e.message).join(' ');
    throw new RekeyError('INVALID_CERTIFICATE', message, {
      fieldErrors: { file: [message] },
      issues: validation.errors,
    });
  }
  if (facts.notAfter <= now)
    onFile(
      new RekeyError(
        'INVALID_CERTIFICATE',
        `${filename}: the issued certificate already expired on ${facts.notAfter.toISOString().slice(0, 10)}. Ask the CA for a new one.`,
      ),
    );
  const sealed = sealForCertificate(keyPem, facts.sha256Thumbprint);
  return db.$transaction(async (tx) => {
    const row = await tx.certificate.create({
      data: {
        sha1Thumbprint: facts.sha1Thumbprint,
        sha256Thumbprint: facts.sha256Thumbprint,
        serialNumber: facts.serialNumber,
        subject: facts.subject,
        issuer: facts.issuer,
        notBefore: facts.notBefore,
        notAfter: facts.notAfter,
        keyType: facts.keyType,
        keySize: facts.keySize ?? null,
        signatureAlgorithm: facts.signatureAlgorithm,
        der: Buffer.from(facts.derBase64, 'base64'),
        sealedPrivateKey: sealed,
        source: 'issued',
        createdById: actor.id,
      },
      select: { id: true },
    });
    await tx.certificateRequest.update({
      where: { id: request.id },
      data: { completedAt: now, certificateId: row.id },
    });
    await appendAuditEvent(tx, actor, {
      action: 'certificate.request_complete',
      targetType: 'certificate',
      targetId: row.id,
      after: {
        requestId: request.id,
        subject: facts.subject,
        issuer: facts.issuer,
        sha1Thumbprint: facts.sha1Thumbprint,
      },
    });
    return { id: row.id };
  });
}
