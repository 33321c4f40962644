/**
 * Authenticated encryption for cookie values: AES-256-GCM with a key derived (HKDF-SHA256) from
 * the session secret, and the cookie's *purpose* bound in as additional authenticated data, so a
 * value sealed for one cookie (say the sign-in flow) cannot be replayed as another (the session).
 *
 * Format: base64url( version(1)=0x01 | iv(12) | ciphertext | tag(16) ). Pure: node:crypto only.
 */
import crypto from 'node:crypto';

const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type CookiePurpose = 'session' | 'signin-flow';

/** Derives the 32-byte cookie key from the configured secret (any length ≥ 32 chars). */
export function deriveCookieKey(secret: string | Buffer): Buffer {
  return Buffer.from(
    crypto.hkdfSync('sha256', Buffer.from(secret), Buffer.from('rekey-cookie-v1'), Buffer.from('aes-256-gcm'), 32),
  );
}

export function sealCookie(key: Buffer, purpose: CookiePurpose, plaintext: string): string {
  if (key.length !== 32) throw new Error('cookie key must be 32 bytes');
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`rekey:${purpose}`));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The plaintext, or null for anything that is not a value this key sealed for this purpose. */
export function openCookie(key: Buffer, purpose: CookiePurpose, sealed: string | undefined | null): string | null {
  if (!sealed || sealed.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(sealed)) return null;
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < 1 + IV_BYTES + TAG_BYTES || raw[0] !== VERSION) return null;
  const iv = raw.subarray(1, 1 + IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const body = raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES);
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`rekey:${purpose}`));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** A fresh opaque session token (256 bits) and the id stored in the database (its SHA-256). */
export function newSessionToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function sessionIdFor(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
