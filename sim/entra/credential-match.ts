// Finding the keyCredential a JWT was signed with, by the thumbprint in its header
// (`x5t` = SHA-1, `x5t#S256` = SHA-256, or a hex `kid` as in the proof-of-possession sample).
import type { KeyCredentialRecord } from '../directory/directory';
import type { JwtHeader } from '../crypto/jwt';
import { base64UrlDecode } from '../crypto/jwt';
import { tryCertInfo, type CertInfo } from '../crypto/x509';

export interface PresentedThumbprint {
  kind: 'sha1' | 'sha256';
  /** Uppercase hex. */
  hex: string;
}

export function presentedThumbprint(header: JwtHeader): PresentedThumbprint | null {
  const s256 = header['x5t#S256'];
  if (typeof s256 === 'string' && s256)
    return { kind: 'sha256', hex: base64UrlDecode(s256).toString('hex').toUpperCase() };
  if (typeof header.x5t === 'string' && header.x5t)
    return { kind: 'sha1', hex: base64UrlDecode(header.x5t).toString('hex').toUpperCase() };
  if (typeof header.kid === 'string' && /^[0-9a-fA-F]{40}$/.test(header.kid))
    return { kind: 'sha1', hex: header.kid.toUpperCase() };
  if (typeof header.kid === 'string' && /^[0-9a-fA-F]{64}$/.test(header.kid))
    return { kind: 'sha256', hex: header.kid.toUpperCase() };
  return null;
}

export interface MatchedCredential {
  credential: KeyCredentialRecord;
  info: CertInfo;
  validNow: boolean;
}

export function isCredentialValidAt(credential: KeyCredentialRecord, nowMs: number): boolean {
  return Date.parse(credential.startDateTime) <= nowMs && nowMs <= Date.parse(credential.endDateTime);
}

/** All verify-usage certificate credentials matching the thumbprint; currently valid ones first. */
export function matchKeyCredentials(
  credentials: KeyCredentialRecord[],
  tp: PresentedThumbprint,
  nowMs: number,
): MatchedCredential[] {
  const out: MatchedCredential[] = [];
  for (const credential of credentials) {
    if (credential.type !== 'AsymmetricX509Cert' || !credential.key) continue;
    const info = tryCertInfo(credential.key);
    if (!info) continue;
    const hex = tp.kind === 'sha1' ? info.sha1Hex : info.sha256Hex;
    if (hex !== tp.hex) continue;
    out.push({ credential, info, validNow: isCredentialValidAt(credential, nowMs) });
  }
  return out.sort((a, b) => Number(b.validNow) - Number(a.validNow));
}

/** `MM/DD/YYYY HH:MM:SS` as in AADSTS "Found key 'Start=…, End=…'" texts. */
export function aadKeyDate(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
