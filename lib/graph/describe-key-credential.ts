/**
 * What Rekey records about a keyCredential it saw in a tenant (never the key bytes): thumbprints
 * computed from the key DER when Graph returned it, else the SHA-1 from customKeyIdentifier.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { graphDate, normalizeHex, type CredentialOwner, type KeyCredential } from '@/lib/graph/graph-types';

export interface ObservedCredential {
  keyId: string;
  displayName: string | null;
  /** Uppercase hex SHA-1 of the certificate DER, when known. */
  sha1: string | null;
  /** Uppercase hex SHA-256 of the DER, only when Graph returned the key. */
  sha256: string | null;
  start: string | null;
  end: string | null;
  type: string | null;
  usage: string | null;
  on: CredentialOwner;
}

/** customKeyIdentifier (standard base64 of the 20 SHA-1 bytes) → uppercase hex, or null. */
export function sha1FromCustomKeyIdentifier(cki: string | null | undefined): string | null {
  if (!cki) return null;
  const bytes = Buffer.from(cki, 'base64');
  if (bytes.length === 20) return bytes.toString('hex').toUpperCase();
  // The Graph how-to sends hex text, which Graph stores as "base64": accept 40 hex chars as such.
  if (/^[0-9a-f]{40}$/i.test(cki)) return cki.toUpperCase();
  return null;
}

export function derOfKeyCredential(kc: Pick<KeyCredential, 'key'>): Buffer | null {
  if (!kc.key) return null;
  const der = Buffer.from(kc.key, 'base64');
  return der.length > 0 ? der : null;
}

export function describeKeyCredential(kc: KeyCredential, on: CredentialOwner): ObservedCredential {
  const der = derOfKeyCredential(kc);
  return {
    keyId: kc.keyId,
    displayName: kc.displayName ?? null,
    sha1: der
      ? createHash('sha1').update(der).digest('hex').toUpperCase()
      : sha1FromCustomKeyIdentifier(kc.customKeyIdentifier),
    sha256: der ? createHash('sha256').update(der).digest('hex').toUpperCase() : null,
    start: kc.startDateTime ?? null,
    end: kc.endDateTime ?? null,
    type: kc.type ?? null,
    usage: kc.usage ?? null,
    on,
  };
}

export function isCurrentlyValid(c: Pick<ObservedCredential, 'start' | 'end'>, now: Date): boolean {
  const t = now.getTime();
  return (!c.start || Date.parse(c.start) <= t) && (!c.end || Date.parse(c.end) > t);
}

/** The body for keyCredentials / addKey. Structurally the same as lib/certs' GraphKeyCredential. */
export interface NewKeyCredential {
  key: string;
  type?: 'AsymmetricX509Cert';
  usage?: 'Verify';
  displayName?: string;
  customKeyIdentifier?: string;
  startDateTime?: string;
  endDateTime?: string;
}

/** A keyCredential body from a certificate PEM (dates = the certificate's validity). */
export function keyCredentialFromPem(certificatePem: string, displayName?: string): NewKeyCredential {
  const x = new X509Certificate(certificatePem);
  const sha1 = createHash('sha1').update(x.raw).digest();
  const name = displayName ?? x.subject.split('\n').reverse().join(', ');
  return {
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: x.raw.toString('base64'),
    customKeyIdentifier: sha1.toString('base64'),
    displayName: name.slice(0, 90),
    startDateTime: graphDate(new Date(x.validFrom)),
    endDateTime: graphDate(new Date(x.validTo)),
  };
}

export function sha1OfNewCredential(c: NewKeyCredential): string {
  return createHash('sha1').update(Buffer.from(c.key, 'base64')).digest('hex').toUpperCase();
}

export { normalizeHex };
