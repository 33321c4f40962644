/**
 * Export of a stored certificate with its private key as a password-protected PKCS#12 (PFX), to
 * hand the new certificate to the vendor's service (issue 16 item 10; the rule is ADR 021, which
 * supersedes ADR 007). One use case for the dashboard's download and `rekey cert export`:
 * - a signed-in principal must be an Admin (of every tenant: a scoped admin grant acts as operator);
 *   the CLI on the server without --as is trusted (it has the master key anyway);
 * - only a certificate whose key the vault holds, opened only after every check passed;
 * - the password is the admin's, strength-checked (lib/certificates/pfx-password.ts), and never
 *   stored or logged;
 * - the dashboard asks for the typed confirmation (the first 8 characters of the SHA-1 thumbprint);
 * - AES-256-CBC with PBKDF2 (PBES2) for the key and the certificate bag, HMAC-SHA256 MAC
 *   (lib/certs/export-pfx.ts): OpenSSL 3 opens it without the legacy provider;
 * - audited (who, which certificate, where from) in the same transaction that releases the bytes:
 *   no audit row, no PFX.
 */
import { z } from 'zod';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { derToPem } from '@/lib/certs/certificate-facts';
import { exportPfx } from '@/lib/certs/export-pfx';
import { requireCertificateRole, type CertificateContext } from '@/lib/certificates/certificate-context';
import { weakPfxPasswordProblem } from '@/lib/certificates/pfx-password';
import { RekeyError } from '@/lib/errors';
import { openForCertificate } from '@/lib/vault/key-ring';

/** What the admin types to confirm: the first characters of the certificate's SHA-1 thumbprint. */
export const EXPORT_CONFIRM_LENGTH = 8;
export const exportConfirmText = (sha1Thumbprint: string) => sha1Thumbprint.slice(0, EXPORT_CONFIRM_LENGTH);

export const ExportCertificatePfxSchema = z.object({
  /** The certificate's id or SHA-1 thumbprint. */
  certificate: z.string().trim().min(1, 'Name the certificate (its id or SHA-1 thumbprint).').max(100),
  password: z.string().max(1024),
  /** Required from the dashboard; the CLI's explicit command is its own confirmation. */
  confirmText: z.string().max(100).optional(),
});
export type ExportCertificatePfxInput = z.input<typeof ExportCertificatePfxSchema>;

export interface ExportedPfx {
  pfx: Buffer;
  id: string;
  sha1Thumbprint: string;
  subject: string;
  /** A file name without the subject's free text: `certificate-<sha1 12>.pfx`. */
  filename: string;
}

export async function exportCertificatePfx(
  ctx: CertificateContext,
  input: ExportCertificatePfxInput,
): Promise<ExportedPfx> {
  // authorize before reading anything
  requireCertificateRole(ctx, 'admin', 'Exporting a private key');
  const data = ExportCertificatePfxSchema.parse(input);
  const ref = data.certificate;
  const thumb = ref.replace(/[:\s]/g, '').toUpperCase();
  const cert = await ctx.db.certificate.findFirst({
    where: /^[0-9a-f-]{36}$/i.test(ref) ? { id: ref } : { sha1Thumbprint: thumb },
    select: {
      id: true,
      der: true,
      sha1Thumbprint: true,
      sha256Thumbprint: true,
      subject: true,
      sealedPrivateKey: true,
    },
  });
  if (!cert)
    throw new RekeyError('NOT_FOUND', `No certificate ${ref} in the inventory (give its id or SHA-1 thumbprint).`);
  if (!cert.sealedPrivateKey)
    throw new RekeyError(
      'BAD_INPUT',
      `Rekey does not hold the private key of ${cert.subject} (${cert.sha1Thumbprint}), so there is nothing to export as a PFX. Download the public certificate from its page instead.`,
    );
  if (
    data.confirmText !== undefined &&
    data.confirmText.trim().toUpperCase() !== exportConfirmText(cert.sha1Thumbprint)
  )
    throw new RekeyError('BAD_INPUT', `Type “${exportConfirmText(cert.sha1Thumbprint)}” to confirm.`, {
      fieldErrors: { confirmText: ['The typed text does not match the start of the SHA-1 thumbprint.'] },
    });
  const weak = weakPfxPasswordProblem(data.password, [cert.subject, cert.sha1Thumbprint]);
  if (weak) throw new RekeyError('BAD_INPUT', `PFX password: ${weak}`, { fieldErrors: { password: [weak] } });

  const keyPem = openForCertificate(cert.sealedPrivateKey, cert.sha256Thumbprint);
  const pfx = exportPfx({
    certPem: derToPem(Buffer.from(cert.der)),
    keyPem,
    password: data.password,
    friendlyName: cert.subject,
  });
  await ctx.db.$transaction((tx) =>
    appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'certificate.export_pfx',
        targetType: 'certificate',
        targetId: cert.id,
        after: { sha1Thumbprint: cert.sha1Thumbprint, subject: cert.subject, format: 'pkcs12-aes256' },
      },
      ctx.now,
    ),
  );
  return {
    pfx,
    id: cert.id,
    sha1Thumbprint: cert.sha1Thumbprint,
    subject: cert.subject,
    filename: `certificate-${cert.sha1Thumbprint.slice(0, 12).toLowerCase()}.pfx`,
  };
}
