/**
 * Which credential a sign-in used. Entra's sign-in log names it by `servicePrincipalCredentialKeyId`
 * and `servicePrincipalCredentialThumbprint`; the thumbprint's format is not documented (hex in
 * any case, with or without separators, or base64 like keyCredential.customKeyIdentifier; SHA-1
 * or SHA-256), so it is compared by its bytes, and the keyId — a GUID, unambiguous — is matched
 * first. A format Rekey did not expect must never silently miss a use of a compromised key. Pure.
 */

export interface ParsedThumbprint {
  algorithm: 'sha1' | 'sha256';
  /** Uppercase hex without separators. */
  hex: string;
}

const HEX_LENGTH = { 40: 'sha1', 64: 'sha256' } as const;
const BYTE_LENGTH = { 20: 'sha1', 32: 'sha256' } as const;

/**
 * A SHA-1 or SHA-256 thumbprint in hex (any case; `:`, `-` or space separators allowed) or
 * base64 / base64url (padded or not), as uppercase hex; null when it is neither.
 */
export function parseThumbprint(value: string | null | undefined): ParsedThumbprint | null {
  const v = (value ?? '').trim();
  if (!v) return null;
  if (/^[0-9a-f]{2}([:\s-]?[0-9a-f]{2})*$/i.test(v)) {
    const hex = v.replace(/[^0-9a-f]/gi, '').toUpperCase();
    const algorithm = HEX_LENGTH[hex.length as keyof typeof HEX_LENGTH];
    if (algorithm) return { algorithm, hex };
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) {
    const bytes = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    const algorithm = BYTE_LENGTH[bytes.length as keyof typeof BYTE_LENGTH];
    if (
      algorithm &&
      bytes.toString('base64').replace(/=+$/, '') === v.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
    )
      return { algorithm, hex: bytes.toString('hex').toUpperCase() };
  }
  return null;
}

/** A credential Rekey knows: any of its keyId, SHA-1 and SHA-256 thumbprints (any format). */
export interface CredentialRef {
  keyId?: string | null;
  sha1?: string | null;
  sha256?: string | null;
}

/** The credential fields of a sign-in (beta signIn resource). */
export interface SignInCredential {
  servicePrincipalCredentialKeyId?: string | null;
  servicePrincipalCredentialThumbprint?: string | null;
}

const sameGuid = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Did this sign-in use `cred`? keyId first, then the thumbprint compared by its bytes (SHA-1 or SHA-256). */
export function signInUsedCredential(s: SignInCredential, cred: CredentialRef): boolean {
  if (sameGuid(s.servicePrincipalCredentialKeyId, cred.keyId)) return true;
  const t = parseThumbprint(s.servicePrincipalCredentialThumbprint);
  if (!t) return false;
  const want = parseThumbprint(t.algorithm === 'sha1' ? cred.sha1 : cred.sha256);
  return want !== null && want.algorithm === t.algorithm && want.hex === t.hex;
}

/**
 * The thumbprint (uppercase hex SHA-1) of the credential a sign-in used, among `known` credentials:
 * by keyId first, then by the presented thumbprint (SHA-1 or SHA-256, any format). When nothing
 * known matches: the presented thumbprint itself as uppercase hex (a SHA-256 stays SHA-256), or null.
 */
export function signInCredentialThumbprint(
  s: SignInCredential,
  known: readonly { keyId: string; sha1: string | null; sha256: string | null }[],
): { thumbprint: string | null; matched: boolean } {
  const sha1Of = (k: { sha1: string | null } | undefined) => parseThumbprint(k?.sha1)?.hex ?? null;
  const byKeyId = known.find((k) => sameGuid(k.keyId, s.servicePrincipalCredentialKeyId) && sha1Of(k));
  if (byKeyId) return { thumbprint: sha1Of(byKeyId), matched: true };
  const presented = { servicePrincipalCredentialThumbprint: s.servicePrincipalCredentialThumbprint };
  const byThumb = known.find((k) => sha1Of(k) && signInUsedCredential(presented, k));
  if (byThumb) return { thumbprint: sha1Of(byThumb), matched: true };
  return { thumbprint: parseThumbprint(s.servicePrincipalCredentialThumbprint)?.hex ?? null, matched: false };
}
