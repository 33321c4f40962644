import { createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { RekeyError } from '@/lib/errors';
import { certificateMatchesKey } from '@/lib/certs/certificate-matches-key';

export interface ExportPfxInput {
  certPem: string;
  keyPem: string;
  chainPems?: string[];
  /** Set by the admin; required (an unprotected PFX is a loose private key). */
  password: string;
  friendlyName?: string;
}

export const MIN_PFX_PASSWORD_LENGTH = 8;

/**
 * A PKCS#12 with AES-256-CBC (PBES2/PBKDF2) for the key and certificates, readable by OpenSSL 3,
 * Windows 10 1709+ / Server 2019+, .NET and Java. RSA keys only (node-forge).
 */
export function exportPfx(input: ExportPfxInput): Buffer {
  if (input.password.length < MIN_PFX_PASSWORD_LENGTH) {
    throw new RekeyError('BAD_INPUT', `The PFX password must have at least ${MIN_PFX_PASSWORD_LENGTH} characters.`);
  }
  if (!certificateMatchesKey(input.certPem, input.keyPem)) {
    throw new RekeyError(
      'INVALID_CERTIFICATE',
      'The private key does not belong to this certificate; refusing to export a PFX that cannot be used.',
      { reason: 'KEY_MISMATCH' },
    );
  }
  const pkcs8 = createPrivateKey(input.keyPem).export({ type: 'pkcs8', format: 'pem' }) as string;
  const key = forge.pki.privateKeyFromPem(pkcs8);
  const certs = [input.certPem, ...(input.chainPems ?? [])].map((p) => forge.pki.certificateFromPem(p));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, input.password, {
    algorithm: 'aes256',
    generateLocalKeyId: true,
    ...(input.friendlyName ? { friendlyName: input.friendlyName } : {}),
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
