/**
 * Export of a stored certificate with its private key as a password-protected PFX (AES-256), for
 * handing the new certificate to the vendor service. Deliberately CLI-only: the web UI never sends
 * key material to a browser. Audited (who, which certificate — never the password or the key).
 */
import { appendAuditEvent, type Actor } from '@/lib/audit/append-audit-event';
import { derToPem } from '@/lib/certs/certificate-facts';
import { exportPfx } from '@/lib/certs/export-pfx';
import type { Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { openForCertificate } from '@/lib/vault/key-ring';

export async function exportCertificatePfx(
  db: Db,
  actor: Actor,
  input: { certificate: string; password: string },
): Promise<{ pfx: Buffer; sha1Thumbprint: string; subject: string }> {
  const ref = input.certificate.trim();
  const thumb = ref.replace(/[:\s]/g, '').toUpperCase();
  const cert = await db.certificate.findFirst({
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
  const keyPem = openForCertificate(cert.sealedPrivateKey, cert.sha256Thumbprint);
  const pfx = exportPfx({
    certPem: derToPem(Buffer.from(cert.der)),
    keyPem,
    password: input.password,
    friendlyName: cert.subject,
  });
  await db.$transaction((tx) =>
    appendAuditEvent(tx, actor, {
      action: 'certificate.export_pfx',
      targetType: 'certificate',
      targetId: cert.id,
      after: { sha1Thumbprint: cert.sha1Thumbprint, subject: cert.subject },
    }),
  );
  return { pfx, sha1Thumbprint: cert.sha1Thumbprint, subject: cert.subject };
}
