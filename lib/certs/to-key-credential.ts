import { RekeyError } from '@/lib/errors';
import type { CertificateFacts } from '@/lib/certs/certificate-facts';

/** The body Graph expects in `keyCredentials` / `addKey` for a public certificate. */
export interface GraphKeyCredential {
  type: 'AsymmetricX509Cert';
  usage: 'Verify';
  /** Base64 of the certificate DER. */
  key: string;
  /** Standard base64 of the 20 SHA-1 thumbprint bytes (what Graph defaults it to). */
  customKeyIdentifier: string;
  displayName: string;
  startDateTime: string;
  endDateTime: string;
}

export interface ToKeyCredentialOptions {
  /** Default: the certificate subject. Graph keeps at most 90 characters. */
  displayName?: string;
  /** Must lie inside the certificate's validity; default: notBefore / notAfter. */
  startDateTime?: Date;
  endDateTime?: Date;
}

export const MAX_DISPLAY_NAME = 90;

/** Graph's date format: UTC ISO-8601 without milliseconds ("2027-01-01T00:00:00Z"). */
function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function toKeyCredential(facts: CertificateFacts, opts: ToKeyCredentialOptions = {}): GraphKeyCredential {
  const start = opts.startDateTime ?? facts.notBefore;
  const end = opts.endDateTime ?? facts.notAfter;
  if (start.getTime() < facts.notBefore.getTime() || end.getTime() > facts.notAfter.getTime()) {
    throw new RekeyError(
      'BAD_INPUT',
      `The credential dates (${iso(start)} – ${iso(end)}) must lie within the certificate's validity (${iso(facts.notBefore)} – ${iso(facts.notAfter)}); Graph rejects them otherwise (KeyCredentialsInvalidEndDate).`,
    );
  }
  if (end.getTime() <= start.getTime())
    throw new RekeyError('BAD_INPUT', 'The credential end date must be after its start date.');
  const name = (opts.displayName ?? facts.subject).trim() || facts.sha1Thumbprint;
  return {
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: facts.derBase64,
    customKeyIdentifier: Buffer.from(facts.sha1Thumbprint, 'hex').toString('base64'),
    displayName: name.length > MAX_DISPLAY_NAME ? `${name.slice(0, MAX_DISPLAY_NAME - 1)}…` : name,
    startDateTime: iso(start),
    endDateTime: iso(end),
  };
}

/**
 * The SHA-1 thumbprint (uppercase hex) a keyCredential's customKeyIdentifier stands for, when it
 * holds the 20 thumbprint bytes (standard or url-safe base64). Null for other identifiers.
 */
export function sha1ThumbprintFromCustomKeyIdentifier(customKeyIdentifier: string | null | undefined): string | null {
  if (!customKeyIdentifier) return null;
  const bytes = Buffer.from(customKeyIdentifier.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 20 ? bytes.toString('hex').toUpperCase() : null;
}
