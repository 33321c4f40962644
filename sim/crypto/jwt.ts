// Minimal JWS compact handling for the simulator: decode, verify (RS256, PS256) and sign (RS256).
// Deliberately self-contained (node:crypto only) so the simulator shares no code with the clients it tests.
import crypto, { type KeyObject } from 'node:crypto';

export type JwtHeader = Record<string, unknown> & { alg?: string; typ?: string; kid?: string; x5t?: string };
export type JwtPayload = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
  /** true when a segment carried `=` padding (Graph rejects padded proofs). */
  padded: boolean;
}

export function base64UrlEncode(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function base64UrlDecode(segment: string): Buffer {
  return Buffer.from(segment, 'base64url');
}

function parseJsonSegment(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(base64UrlDecode(segment).toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Splits and parses a compact JWS. Returns null when it is not a three-part JWT with JSON header and payload. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  const header = parseJsonSegment(h);
  const payload = parseJsonSegment(p);
  if (!header || !payload) return null;
  return {
    header: header as JwtHeader,
    payload,
    signingInput: `${h}.${p}`,
    signature: base64UrlDecode(s),
    padded: /=/.test(h) || /=/.test(p) || /=/.test(s),
  };
}

export const SUPPORTED_ALGORITHMS = ['RS256', 'PS256'] as const;

/** Verifies an RS256 or PS256 signature. Any other algorithm fails. */
export function verifyJwtSignature(decoded: DecodedJwt, publicKey: KeyObject): boolean {
  const data = Buffer.from(decoded.signingInput);
  try {
    if (decoded.header.alg === 'RS256') {
      return crypto.verify(
        'sha256',
        data,
        { key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING },
        decoded.signature,
      );
    }
    if (decoded.header.alg === 'PS256') {
      return crypto.verify(
        'sha256',
        data,
        {
          key: publicKey,
          padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
          saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
        },
        decoded.signature,
      );
    }
  } catch {
    return false;
  }
  return false;
}

export function signJwt(header: JwtHeader, payload: JwtPayload, privateKey: KeyObject | string): string {
  const alg = header.alg ?? 'RS256';
  const signingInput = `${base64UrlEncode(JSON.stringify({ ...header, alg }))}.${base64UrlEncode(JSON.stringify(payload))}`;
  const key = typeof privateKey === 'string' ? crypto.createPrivateKey(privateKey) : privateKey;
  const signature =
    alg === 'PS256'
      ? crypto.sign('sha256', Buffer.from(signingInput), {
          key,
          padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
          saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
        })
      : crypto.sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${base64UrlEncode(signature)}`;
}
