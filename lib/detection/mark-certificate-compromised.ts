/**
 * "Mark this certificate compromised": an advisory naming the certificate's SHA-1 and SHA-256
 * thumbprints and its issuer + serial number, written like any other advisory (one transaction
 * with its audit event and the re-classification of every connector that uses or still holds it).
 */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { RekeyError } from '@/lib/errors';
import { callerUserId } from '@/lib/detection/create-advisory';
import { callerOf, type UseCaseContext } from '@/lib/use-case';
import { requireFleetWide } from '@/lib/detection/detection-access';
import { AdvisoryMetaSchema, normalizeSerial, SEVERITIES } from '@/lib/detection/parse-advisory';
import { ADVISORY_TRANSACTION, persistAdvisory, type CreatedAdvisory } from '@/lib/detection/persist-advisory';

export const MarkCertificateCompromisedSchema = z.object({
  certificateId: z.uuid(),
  severity: z.enum(SEVERITIES).default('critical'),
  title: z.string().max(200).superRefine(refuseControlCharacters).optional(),
  compromiseStart: z.string().optional(),
  compromiseEnd: z.string().optional(),
  guidance: z.string().max(20_000).optional(),
});
export type MarkCertificateCompromisedInput = z.input<typeof MarkCertificateCompromisedSchema>;

export async function markCertificateCompromised(
  ctx: UseCaseContext,
  input: MarkCertificateCompromisedInput,
): Promise<CreatedAdvisory> {
  const { db } = ctx;
  const fields = MarkCertificateCompromisedSchema.safeParse(input);
  if (!fields.success)
    throw new RekeyError('BAD_INPUT', 'Some fields are not valid.', {
      fieldErrors: z.flattenError(fields.error).fieldErrors,
    });
  const cert = await db.certificate.findUnique({
    where: { id: fields.data.certificateId },
    select: { id: true, subject: true, issuer: true, serialNumber: true, sha1Thumbprint: true, sha256Thumbprint: true },
  });
  if (!cert) throw new RekeyError('NOT_FOUND', 'Certificate not found.', { certificateId: fields.data.certificateId });
  requireFleetWide(callerOf(ctx), 'operator', 'Marking a certificate compromised');
  const meta = AdvisoryMetaSchema.safeParse({
    title: fields.data.title?.trim() || `Certificate ${cert.subject} (${cert.sha1Thumbprint}) marked compromised`,
    severity: fields.data.severity,
    publishedAt: ctx.now,
    compromiseStart: fields.data.compromiseStart,
    compromiseEnd: fields.data.compromiseEnd,
    guidance:
      fields.data.guidance ??
      'Rotate every connector that uses this certificate and remove the credential from each tenant (re-establish the connection).',
    source: 'certificate',
  });
  if (!meta.success)
    throw new RekeyError('BAD_INPUT', 'Some fields are not valid.', {
      fieldErrors: z.flattenError(meta.error).fieldErrors,
    });
  const indicators = [
    { kind: 'sha1' as const, value: cert.sha1Thumbprint.toUpperCase(), issuer: null },
    { kind: 'sha256' as const, value: cert.sha256Thumbprint.toUpperCase(), issuer: null },
    { kind: 'serial' as const, value: normalizeSerial(cert.serialNumber), issuer: cert.issuer },
  ];
  return db.$transaction(
    (tx) =>
      persistAdvisory(
        tx,
        { meta: meta.data, indicators },
        {
          actor: ctx.actor,
          now: ctx.now,
          createdById: callerUserId(callerOf(ctx)),
          audit: { action: 'advisory.mark_certificate', extra: { certificateId: cert.id } },
        },
      ),
    ADVISORY_TRANSACTION,
  );
}
