/**
 * The master key ring for this installation: REKEY_MASTER_KEY (+ REKEY_MASTER_KEY_PREVIOUS), or
 * the key file under the data directory for the embedded default. Read on each use (a few bytes),
 * so a file-mode rotation is picked up by running processes without a restart.
 */
import path from 'node:path';
import { env } from '@/lib/env';
import { loadMasterKeyRing, type MasterKeyRing } from '@/lib/vault/master-key';
import { openSealedKey, sealPrivateKey } from '@/lib/vault/sealed-key';

export function masterKeyFile(): string {
  return path.join(env().dataDir, 'master.key');
}

/**
 * Never makes a key: a missing key file is an error here. Only the start-up check
 * (lib/vault/check-master-key.ts: `npm start`, `rekey worker`, every stack-backed CLI command)
 * makes one, and only when no private key is sealed yet; a process that finds the file gone later
 * must not replace it with a new key that opens none of the sealed ones.
 */
export function currentKeyRing(): MasterKeyRing {
  return loadMasterKeyRing({ keyFile: masterKeyFile(), create: false });
}

/** Seals a private key for storage next to its certificate (bound to the certificate's SHA-256). */
export function sealForCertificate(privateKeyPem: string, certSha256: string): string {
  return sealPrivateKey(privateKeyPem, certSha256, currentKeyRing());
}

/** Opens a sealed private key for the one operation that needs it. Never log the result. */
export function openForCertificate(sealed: string, certSha256: string): string {
  return openSealedKey(sealed, certSha256, currentKeyRing());
}
