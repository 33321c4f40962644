/** "Mark compromised" accepts a certificate's Rekey id or its SHA-1 / SHA-256 thumbprint. Only the id is selected. */
import { RekeyError } from '@/lib/errors';
import { isGuid } from '@/lib/text/guid';
import type { UseCaseContext } from '@/lib/use-case';

export async function findCertificateId({ db }: Pick<UseCaseContext, 'db'>, ref: string): Promise<string> {
  const v = ref.trim();
  const hex = v.replace(/[\s:-]/g, '').toUpperCase();
  const where = isGuid(v)
    ? { id: v.toLowerCase() }
    : /^[0-9A-F]{40}$/.test(hex)
      ? { sha1Thumbprint: { equals: hex, mode: 'insensitive' as const } }
      : /^[0-9A-F]{64}$/.test(hex)
        ? { sha256Thumbprint: { equals: hex, mode: 'insensitive' as const } }
        : null;
  if (!where)
    throw new RekeyError(
      'BAD_INPUT',
      'Give the certificate’s Rekey id, or its SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint.',
      { fieldErrors: { certificate: ['Not an id or a thumbprint.'] } },
    );
  const cert = await db.certificate.findFirst({ where, select: { id: true } });
  if (!cert)
    throw new RekeyError('NOT_FOUND', `No certificate in the inventory matches ${v}.`, {
      fieldErrors: { certificate: ['No certificate matches.'] },
    });
  return cert.id;
}
