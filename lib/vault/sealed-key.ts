import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes } from 'node:crypto';
import { RekeyError } from '@/lib/errors';
import type { MasterKey, MasterKeyRing } from '@/lib/vault/master-key';

/**
 * Envelope encryption of private keys at rest.
 *
 * Sealed format, version 1 — one ASCII string, six fields joined by ".":
 *
 *     rkv1.<masterKeyId>.<certSha256>.<wrapIv>.<wrappedDek>.<iv>.<ciphertext>
 *
 * - `rkv1`        format and version tag.
 * - masterKeyId   12 chars, the id of the master key that wrapped the data key (see master-key.ts);
 *                 lets old and new masters coexist during a rotation.
 * - certSha256    uppercase hex SHA-256 thumbprint of the certificate this key belongs to.
 * - wrapIv        base64url 12-byte nonce for the wrap.
 * - wrappedDek    base64url AES-256-GCM(master, dataKey) ‖ 16-byte tag, with
 *                 AAD "rkv1|dek|<masterKeyId>|<certSha256>".
 * - iv            base64url 12-byte nonce.
 * - ciphertext    base64url AES-256-GCM(dataKey, PKCS#8 DER) ‖ 16-byte tag, with
 *                 AAD "rkv1|key|<certSha256>".
 *
 * Every key gets its own random 256-bit data key. The thumbprint is in the clear (it is public)
 * so a mix-up gets a clear message, and it is authenticated twice (both AADs), so a ciphertext
 * moved to another certificate's row, or an edited thumbprint, fails to open. Re-wrapping only
 * replaces masterKeyId/wrapIv/wrappedDek; the key ciphertext never changes.
 */
export const SEALED_PREFIX = 'rkv1';

export interface SealedKeyHeader {
  version: 1;
  masterKeyId: string;
  certSha256: string;
}

interface Parts extends SealedKeyHeader {
  wrapIv: Buffer;
  wrappedDek: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
}

const TAG_LEN = 16;

function vaultError(reason: string, message: string, code: 'INTERNAL' | 'CONFIG' = 'INTERNAL'): RekeyError {
  return new RekeyError(code, message, { reason });
}

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: string): { iv: Buffer; sealed: Buffer } {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv, sealed: Buffer.concat([body, c.getAuthTag()]) };
}

function gcmDecrypt(key: Buffer, iv: Buffer, sealed: Buffer, aad: string): Buffer | null {
  if (sealed.length < TAG_LEN || iv.length !== 12) return null;
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(sealed.subarray(sealed.length - TAG_LEN));
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_LEN)), d.final()]);
  } catch {
    return null;
  }
}

const dekAad = (kid: string, thumb: string) => `rkv1|dek|${kid}|${thumb}`;
const keyAad = (thumb: string) => `rkv1|key|${thumb}`;

function normalizeThumb(t: string): string {
  const hex = t.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 64)
    throw new RekeyError('BAD_INPUT', "A sealed key is bound to the certificate's SHA-256 thumbprint (64 hex digits).");
  return hex;
}

function parse(sealed: string): Parts {
  const f = sealed.split('.');
  if (f.length !== 7 || f[0] !== SEALED_PREFIX) {
    throw vaultError(
      'SEALED_FORMAT',
      f[0]?.startsWith('rkv')
        ? `Sealed key format "${f[0]}" is not supported by this version of Rekey.`
        : 'This is not a sealed Rekey key (expected "rkv1.…").',
    );
  }
  const b = (s: string) => Buffer.from(s, 'base64url');
  return {
    version: 1,
    masterKeyId: f[1]!,
    certSha256: f[2]!,
    wrapIv: b(f[3]!),
    wrappedDek: b(f[4]!),
    iv: b(f[5]!),
    ciphertext: b(f[6]!),
  };
}

function format(p: Parts): string {
  const b = (x: Buffer) => x.toString('base64url');
  return [SEALED_PREFIX, p.masterKeyId, p.certSha256, b(p.wrapIv), b(p.wrappedDek), b(p.iv), b(p.ciphertext)].join('.');
}

function ringOf(keys: MasterKey | MasterKeyRing): MasterKeyRing {
  return 'current' in keys ? keys : { current: keys, previous: [] };
}

function unwrapDek(p: Parts, keys: MasterKey | MasterKeyRing): Buffer {
  const ring = ringOf(keys);
  const master = [ring.current, ...ring.previous].find((k) => k.id === p.masterKeyId);
  if (!master) {
    throw vaultError(
      'UNKNOWN_MASTER_KEY',
      `This private key was sealed with master key ${p.masterKeyId}, but this server has ${[ring.current, ...ring.previous].map((k) => k.id).join(', ')}. Configure the old key in REKEY_MASTER_KEY_PREVIOUS (or restore the right REKEY_MASTER_KEY / .data/master.key).`,
      'CONFIG',
    );
  }
  const dek = gcmDecrypt(master.key, p.wrapIv, p.wrappedDek, dekAad(p.masterKeyId, p.certSha256));
  if (!dek || dek.length !== 32)
    throw vaultError(
      'TAMPERED',
      'The sealed private key failed its integrity check (data key). It was altered or corrupted; re-import the certificate and key.',
    );
  return dek;
}

export function readSealedKeyHeader(sealed: string): SealedKeyHeader {
  const { version, masterKeyId, certSha256 } = parse(sealed);
  return { version, masterKeyId, certSha256 };
}

/** Seals a private key (any PEM/DER node reads) for the certificate with SHA-256 thumbprint `certSha256`. */
export function sealPrivateKey(privateKeyPem: string, certSha256: string, keys: MasterKey | MasterKeyRing): string {
  const thumb = normalizeThumb(certSha256);
  const master = ringOf(keys).current;
  const der = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const dek = randomBytes(32);
  try {
    const wrapped = gcmEncrypt(master.key, dek, dekAad(master.id, thumb));
    const body = gcmEncrypt(dek, der, keyAad(thumb));
    return format({
      version: 1,
      masterKeyId: master.id,
      certSha256: thumb,
      wrapIv: wrapped.iv,
      wrappedDek: wrapped.sealed,
      iv: body.iv,
      ciphertext: body.sealed,
    });
  } finally {
    dek.fill(0);
    der.fill(0);
  }
}

/**
 * Opens a sealed key for the certificate `certSha256`, returning PKCS#8 PEM. Decrypt only inside
 * the server process, for the operation that needs it; never log or return the result to a browser.
 */
export function openSealedKey(sealed: string, certSha256: string, keys: MasterKey | MasterKeyRing): string {
  const thumb = normalizeThumb(certSha256);
  const p = parse(sealed);
  if (p.certSha256 !== thumb) {
    throw vaultError(
      'WRONG_CERTIFICATE',
      `This sealed private key belongs to certificate ${p.certSha256}, not ${thumb}. Refusing to use it.`,
    );
  }
  const dek = unwrapDek(p, keys);
  try {
    const der = gcmDecrypt(dek, p.iv, p.ciphertext, keyAad(thumb));
    if (!der)
      throw vaultError(
        'TAMPERED',
        'The sealed private key failed its integrity check. It was altered, corrupted, or moved from another certificate; re-import the certificate and key.',
      );
    try {
      return pkcs8Pem(der);
    } finally {
      der.fill(0);
    }
  } finally {
    dek.fill(0);
  }
}

/**
 * PKCS#8 DER as PEM, as `createPrivateKey(der).export({ type: 'pkcs8', format: 'pem' })` writes it,
 * without parsing the key again: the DER passed the GCM integrity check, and sealing parsed it
 * (every token request of a rotation opens a key: the parse was ~1 ms of a rotation's CPU).
 */
export function pkcs8Pem(der: Buffer): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  const label = 'PRIVATE KEY'; // PKCS#8's PEM label (RFC 7468)
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Re-wraps the data key of `sealed` under `newMaster`, leaving the key ciphertext untouched.
 * `oldMaster` may be a ring (any master that can open it). Idempotent: already under `newMaster`
 * → returned unchanged, so a rotation loop can be restarted safely. The private key itself is
 * never decrypted.
 */
export function rewrapSealedKey(sealed: string, oldMaster: MasterKey | MasterKeyRing, newMaster: MasterKey): string {
  const p = parse(sealed);
  if (p.masterKeyId === newMaster.id) return sealed;
  const dek = unwrapDek(p, oldMaster);
  try {
    const wrapped = gcmEncrypt(newMaster.key, dek, dekAad(newMaster.id, p.certSha256));
    return format({ ...p, masterKeyId: newMaster.id, wrapIv: wrapped.iv, wrappedDek: wrapped.sealed });
  } finally {
    dek.fill(0);
  }
}

/** True when `sealed` is not yet wrapped by the ring's current master (for the rotation loop). */
export function needsRewrap(sealed: string, ring: MasterKeyRing): boolean {
  return parse(sealed).masterKeyId !== ring.current.id;
}
