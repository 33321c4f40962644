/**
 * Upload of a certificate (and optionally its private key) into the inventory: inspect first
 * (facts + every validation result, nothing stored), then import (validated again, stored in one
 * transaction with its audit event, private key sealed by the vault). Bad input stores nothing.
 */
import { z } from 'zod';
import { escapedControlCharacterProblem, refuseControlCharacters } from '@/lib/text/single-line';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { parseCertificateInput, type ParsedBundle } from '@/lib/certs/parse-certificate-input';
import { validateForEntra } from '@/lib/certs/validate-for-entra';
import { summarize, type InspectionResult } from '@/lib/certificates/certificate-views';
import { requireCertificateRole, type CertificateContext } from '@/lib/certificates/certificate-context';
import { isRekeyError, RekeyError } from '@/lib/errors';
import { checkSize, LIMITS } from '@/lib/limits';
import { sealForCertificate } from '@/lib/vault/key-ring';

const describeUpload = (f: Blob) => (f instanceof File && f.name ? `"${f.name}": ` : '');

/** lib/limits.ts: the same limit in the dashboard (checked in the browser first) and the CLI. */
export const MAX_CERTIFICATE_UPLOAD_BYTES = LIMITS.certificate;

export const CertificateUploadSchema = z.object({
  file: z
    .instanceof(Blob, { message: 'Choose a certificate file (.cer, .crt, .pem, .pfx, .p12 or .p7b).' })
    .refine((f) => f.size > 0, 'The file is empty.')
    .superRefine((f, ctx) => {
      const tooLarge = checkSize('certificate', f.size);
      if (tooLarge) ctx.addIssue({ code: 'custom', message: `${describeUpload(f)}${tooLarge}.` });
    }),
  password: z.string().max(1024).optional(),
  label: z.string().trim().max(120).superRefine(refuseControlCharacters).optional(),
  region: z.string().trim().max(64).superRefine(refuseControlCharacters).optional(),
});
export type CertificateUploadInput = z.infer<typeof CertificateUploadSchema>;

/**
 * A refused file names the field to fix: a wrong or missing PFX password is the password field's
 * error, anything else about the bytes is the file's. The message and code stay as they were.
 */
function withField(e: unknown): unknown {
  if (!isRekeyError(e) || e.details?.fieldErrors) return e;
  const field = e.code === 'WRONG_PASSWORD' ? 'password' : 'file';
  return new RekeyError(e.code, e.message, { ...e.details, fieldErrors: { [field]: [e.message] } }, { cause: e });
}

async function parseUpload(input: CertificateUploadInput): Promise<{ bundle: ParsedBundle; filename: string }> {
  const filename = (input.file as File).name || 'the uploaded file';
  const data = Buffer.from(await input.file.arrayBuffer());
  try {
    const bundle = parseCertificateInput(
      { data, filename, password: input.password || undefined },
      { maxBytes: MAX_CERTIFICATE_UPLOAD_BYTES },
    );
    // Stored and shown as one line: a NUL or line break hidden in a name is refused, not stored.
    for (const [what, value] of [
      ['subject', bundle.leaf.subject],
      ['issuer', bundle.leaf.issuer],
    ] as const) {
      const problem = escapedControlCharacterProblem(value);
      if (problem)
        throw new RekeyError(
          'INVALID_CERTIFICATE',
          `"${filename}": the certificate's ${what} ${problem}. Ask the vendor for a certificate with a plain ${what}.`,
          { reason: 'CONTROL_CHARACTER' },
        );
    }
    return { bundle, filename };
  } catch (e) {
    throw withField(e);
  }
}

/** Parses and validates an upload and says whether it is already in the inventory; stores nothing. Operator. */
export async function inspectCertificate(
  ctx: CertificateContext,
  input: CertificateUploadInput,
): Promise<InspectionResult> {
  requireCertificateRole(ctx, 'operator', 'Checking a certificate');
  const { db, now } = ctx;
  const { bundle, filename } = await parseUpload(input);
  const validation = validateForEntra(bundle.leaf, {
    now,
    filename,
    privateKeyPem: bundle.privateKey?.pem,
    chain: bundle.chain,
  });
  const existing = await db.certificate.findUnique({
    where: { sha1Thumbprint: bundle.leaf.sha1Thumbprint },
    select: { id: true, sealedPrivateKey: true },
  });
  return {
    filename,
    kinds: bundle.kinds,
    leaf: summarize(bundle.leaf),
    chain: bundle.chain.map(summarize),
    hasPrivateKey: Boolean(bundle.privateKey),
    validation,
    existing: existing ? { id: existing.id, hasPrivateKey: existing.sealedPrivateKey !== null } : null,
  };
}

/** Validates again and stores the certificate (its key sealed) with its audit event. Operator. */
export async function importCertificate(
  ctx: CertificateContext,
  input: CertificateUploadInput,
): Promise<{ id: string; created: boolean }> {
  requireCertificateRole(ctx, 'operator', 'Adding a certificate');
  const { db, actor, now } = ctx;
  const { bundle, filename } = await parseUpload(input);
  const leaf = bundle.leaf;
  const validation = validateForEntra(leaf, {
    now,
    filename,
    privateKeyPem: bundle.privateKey?.pem,
    chain: bundle.chain,
  });
  if (!validation.ok) {
    const message = validation.errors.map((e) => e.message).join(' ');
    throw new RekeyError('INVALID_CERTIFICATE', message, {
      fieldErrors: { file: [message] },
      issues: validation.errors,
    });
  }
  const sealed = bundle.privateKey ? sealForCertificate(bundle.privateKey.pem, leaf.sha256Thumbprint) : null;
  return db.$transaction(async (tx) => {
    const existing = await tx.certificate.findUnique({
      where: { sha1Thumbprint: leaf.sha1Thumbprint },
      select: { id: true, sealedPrivateKey: true },
    });
    if (existing) {
      if (sealed && existing.sealedPrivateKey === null) {
        await tx.certificate.update({ where: { id: existing.id }, data: { sealedPrivateKey: sealed } });
        await appendAuditEvent(tx, actor, {
          action: 'certificate.attach_private_key',
          targetType: 'certificate',
          targetId: existing.id,
          after: { sha1Thumbprint: leaf.sha1Thumbprint, filename },
        });
        return { id: existing.id, created: false };
      }
      throw new RekeyError(
        'CONFLICT',
        `${filename}: this certificate (SHA-1 ${leaf.sha1Thumbprint}) is already in the inventory${sealed ? ' with its private key' : ''}. Open it from the Certificates page instead.`,
        { id: existing.id },
      );
    }
    const row = await tx.certificate.create({
      data: {
        sha1Thumbprint: leaf.sha1Thumbprint,
        sha256Thumbprint: leaf.sha256Thumbprint,
        serialNumber: leaf.serialNumber,
        subject: leaf.subject,
        issuer: leaf.issuer,
        notBefore: leaf.notBefore,
        notAfter: leaf.notAfter,
        keyType: leaf.keyType,
        keySize: leaf.keySize ?? null,
        curve: leaf.curve ?? null,
        signatureAlgorithm: leaf.signatureAlgorithm,
        der: Buffer.from(leaf.derBase64, 'base64'),
        sealedPrivateKey: sealed,
        source: 'uploaded',
        label: input.label || null,
        region: input.region || null,
        createdById: actor.id,
      },
      select: { id: true },
    });
    await appendAuditEvent(tx, actor, {
      action: 'certificate.import',
      targetType: 'certificate',
      targetId: row.id,
      after: {
        subject: leaf.subject,
        sha1Thumbprint: leaf.sha1Thumbprint,
        notAfter: leaf.notAfter,
        hasPrivateKey: Boolean(sealed),
        filename,
        warnings: validation.warnings.map((w) => w.code),
      },
    });
    return { id: row.id, created: true };
  });
}
