import { generateKeyPair as generateKeyPairCb } from 'node:crypto';
import { promisify } from 'node:util';
import { RekeyError } from '@/lib/errors';

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];

export interface GeneratedKeyPair {
  /** PKCS#8 PEM. Secret. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  bits: RsaKeySize;
}

const generate = promisify(generateKeyPairCb);

export function assertRsaKeySize(bits: number): asserts bits is RsaKeySize {
  if (!(RSA_KEY_SIZES as readonly number[]).includes(bits)) {
    throw new RekeyError(
      'BAD_INPUT',
      `RSA key size ${bits} is not offered; choose 2048, 3072 or 4096 bits (Entra ID needs at least 2048).`,
    );
  }
}

/**
 * An RSA key pair from OpenSSL (node:crypto, off the main thread). RSA only: the vendor service
 * signs PS256/RS256 client assertions with it, which need an RSA key.
 */
export async function generateKeyPair(bits: number = 2048): Promise<GeneratedKeyPair> {
  assertRsaKeySize(bits);
  const { privateKey, publicKey } = await generate('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey, bits };
}
