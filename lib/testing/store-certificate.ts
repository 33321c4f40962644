/**
 * The one way tests, chaos runs and bench scripts put a certificate row in the inventory from its
 * DER: the facts (thumbprints, serial, subject, issuer, validity, key) are read from the certificate
 * itself, as the real import does (lib/certificates/import-certificate.ts), never typed by hand.
 * `extra` sets what is not in the certificate (region, label, source, or its private key sealed
 * with a given master key).
 */
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import type { Db, Prisma } from '@/lib/db';
import type { MasterKey, MasterKeyRing } from '@/lib/vault/master-key';
import { sealPrivateKey } from '@/lib/vault/sealed-key';

export interface StoreCertificateExtra extends Partial<
  Omit<Prisma.CertificateUncheckedCreateInput, 'der' | 'sealedPrivateKey'>
> {
  /** Seal this private key (PEM) with `masterKey` into the row. */
  privateKeyPem?: string | null;
  masterKey?: MasterKey | MasterKeyRing;
}

/** A DER certificate, or its PEM (the first certificate block). */
export function derOf(certificate: Buffer | string): Buffer {
  if (Buffer.isBuffer(certificate)) return certificate;
  return Buffer.from(certificate.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** The row `storeCertificate` inserts (for an upsert's `create`). */
export function certificateRow(
  certificate: Buffer | string,
  extra: StoreCertificateExtra = {},
): Prisma.CertificateUncheckedCreateInput {
  const der = derOf(certificate);
  const f = certificateFactsFromDer(der);
  const { privateKeyPem, masterKey, ...rest } = extra;
  if (privateKeyPem && !masterKey) throw new Error('storeCertificate: a private key needs the masterKey to seal it');
  return {
    sha1Thumbprint: f.sha1Thumbprint,
    sha256Thumbprint: f.sha256Thumbprint,
    serialNumber: f.serialNumber,
    subject: f.subject,
    issuer: f.issuer,
    notBefore: f.notBefore,
    notAfter: f.notAfter,
    keyType: f.keyType,
    keySize: f.keySize ?? null,
    signatureAlgorithm: f.signatureAlgorithm,
    der: new Uint8Array(der),
    sealedPrivateKey: privateKeyPem && masterKey ? sealPrivateKey(privateKeyPem, f.sha256Thumbprint, masterKey) : null,
    source: 'uploaded',
    ...rest,
  };
}

/** Inserts the certificate (DER or PEM) with its facts read from it; `extra` adds what the DER does not say. */
export async function storeCertificate(
  client: Db | Prisma.TransactionClient,
  certificate: Buffer | string,
  extra: StoreCertificateExtra = {},
) {
  return client.certificate.create({ data: certificateRow(certificate, extra) });
}
