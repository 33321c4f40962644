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

/** PBKDF2 iterations for the key and the MAC: OpenSSL 3’s own default for `pkcs12 -export` (node-forge is pure JavaScript). */
export const PFX_ITERATIONS = 2048;

/**
 * A PKCS#12 whose private key is encrypted with PBES2: PBKDF2 with HMAC-SHA256 and AES-256-CBC
 * (node-forge's `algorithm: 'aes256'` + `prfAlgorithm: 'sha256'`; its default PRF is HMAC-SHA1).
 * The certificates are stored unencrypted (they are public) and the whole file carries node-forge's
 * HMAC-SHA1 MAC. OpenSSL 3 opens it without the legacy provider (e2e/certificate-export.spec.ts);
 * so do Windows 10 1709+ / Server 2019+, .NET and Java. RSA keys only (node-forge).
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
  // prfAlgorithm reaches pki.encryptPrivateKeyInfo at run time; @types/node-forge leaves it out.
  const options: Parameters<typeof forge.pkcs12.toPkcs12Asn1>[3] & { prfAlgorithm: 'sha256' } = {
    algorithm: 'aes256',
    prfAlgorithm: 'sha256',
    count: PFX_ITERATIONS,
    generateLocalKeyId: true,
    ...(input.friendlyName ? { friendlyName: input.friendlyName } : {}),
  };
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, input.password, options);
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
