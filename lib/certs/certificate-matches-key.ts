import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { RekeyError } from '@/lib/errors';

function toKey(keyPem: string | KeyObject): KeyObject {
  if (typeof keyPem !== 'string') return keyPem;
  try {
    return createPrivateKey(keyPem);
  } catch (e) {
    throw new RekeyError(
      'INVALID_CERTIFICATE',
      'The private key could not be read; give an unencrypted PKCS#8 or PKCS#1 PEM key.',
      { reason: 'NOT_A_PRIVATE_KEY' },
      { cause: e },
    );
  }
}

/** True when the certificate's public key is the public half of `keyPem`. */
export function certificateMatchesKey(cert: string | Buffer | X509Certificate, keyPem: string | KeyObject): boolean {
  const x509 = cert instanceof X509Certificate ? cert : new X509Certificate(cert);
  const key = toKey(keyPem);
  if (key.type !== 'private') return false;
  return x509.checkPrivateKey(key);
}
