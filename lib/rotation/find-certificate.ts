/**
 * A certificate in the inventory by id, SHA-1 or SHA-256 thumbprint (any case; colons, spaces, dashes
 * allowed). Helpers of use cases (start a rotation, create a campaign, preflight): they take the
 * caller's database handle (`ctx.db`, or a transaction's) and authorize nothing.
 */
import { z } from 'zod';
import { normalizeThumbprint } from '@/lib/certs/certificate-facts';
import { Prisma, queryRows, type Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';

const certificateSelect = {
  id: true,
  sha1Thumbprint: true,
  sha256Thumbprint: true,
  subject: true,
  notBefore: true,
  notAfter: true,
  der: true,
  sealedPrivateKey: true,
} as const;
export type InventoryCertificate = Prisma.CertificateGetPayload<{ select: typeof certificateSelect }>;

export async function findCertificateByIdOrThumbprint(
  client: Db | Prisma.TransactionClient,
  idOrThumbprint: string,
): Promise<InventoryCertificate | null> {
  if (z.uuid().safeParse(idOrThumbprint).success) {
    // Raw (the same columns as certificateSelect): every rotation a campaign starts reads its
    // certificate by id, and a typed query costs several times the CPU.
    const rows = await queryRows<InventoryCertificate>(
      client,
      Prisma.sql`
      SELECT "id"::text, "sha1Thumbprint", "sha256Thumbprint", "subject", "notBefore", "notAfter", "der", "sealedPrivateKey"
      FROM "Certificate" WHERE "id" = ${idOrThumbprint}::uuid`,
    );
    return rows[0] ?? null;
  }
  if (/[^0-9a-f:\s-]/i.test(idOrThumbprint.trim())) return null;
  const hex = normalizeThumbprint(idOrThumbprint);
  if (hex.length === 40)
    return client.certificate.findFirst({
      where: { sha1Thumbprint: { equals: hex, mode: 'insensitive' } },
      select: certificateSelect,
    });
  if (hex.length === 64)
    return client.certificate.findFirst({
      where: { sha256Thumbprint: { equals: hex, mode: 'insensitive' } },
      select: certificateSelect,
    });
  return null;
}

export async function getCertificateByIdOrThumbprint(
  client: Db | Prisma.TransactionClient,
  idOrThumbprint: string,
): Promise<InventoryCertificate> {
  const c = await findCertificateByIdOrThumbprint(client, idOrThumbprint);
  if (!c)
    throw new RekeyError(
      'NOT_FOUND',
      `No certificate "${idOrThumbprint}" in the inventory (give its id, SHA-1 or SHA-256 thumbprint).`,
    );
  return c;
}
