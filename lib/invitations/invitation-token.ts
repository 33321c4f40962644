/**
 * Invitation link tokens: 32 random bytes (256 bits) in base64url, shown once in the link; the
 * database keeps only their SHA-256, so a database reader cannot open any invitation.
 */
import crypto from 'node:crypto';

export function newInvitationToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A string that can be a token at all (43 base64url characters); anything else is not looked up. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** Where links point: the deployment's public URL (REKEY_PUBLIC_URL), read by the caller. */
export interface InvitationLinkConfig {
  baseUrl: string;
}

export function invitationLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/$/, '')}/invite/${token}`;
}
