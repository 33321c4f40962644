/**
 * Seals a customer admin's delegated tokens with the installation's master key (lib/vault), using
 * a key derived for this purpose only (HKDF, "rekey delegated token") and AES-256-GCM with the
 * invitation id as associated data, so a sealed token moved to another invitation does not open.
 * Format: `dt1.<masterKeyId>.<iv>.<ciphertext>.<tag>` (base64url). Never log an opened token.
 */
import crypto from 'node:crypto';
import { RekeyError } from '@/lib/errors';
import type { MasterKey, MasterKeyRing } from '@/lib/vault/master-key';

function subkey(master: MasterKey): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', master.key, Buffer.alloc(0), 'rekey delegated token', 32));
}

export function sealToken(plain: string, invitationId: string, ring: MasterKeyRing): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', subkey(ring.current), iv);
  cipher.setAAD(Buffer.from(invitationId));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const b = (x: Buffer) => x.toString('base64url');
  return ['dt1', ring.current.id, b(iv), b(ct), b(cipher.getAuthTag())].join('.');
}

export function openToken(sealed: string, invitationId: string, ring: MasterKeyRing): string {
  const [v, keyId, iv, ct, tag] = sealed.split('.');
  if (v !== 'dt1' || !keyId || !iv || ct === undefined || !tag)
    throw new RekeyError('INTERNAL', 'A stored delegated token is not in a format Rekey reads.');
  const master = [ring.current, ...ring.previous].find((k) => k.id === keyId);
  if (!master)
    throw new RekeyError(
      'CONFIG',
      `A stored delegated token was sealed with master key ${keyId}, which is not configured.`,
    );
  try {
    const d = crypto.createDecipheriv('aes-256-gcm', subkey(master), Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(invitationId));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
  } catch {
    throw new RekeyError('INTERNAL', 'A stored delegated token does not open (wrong invitation or tampered).');
  }
}
