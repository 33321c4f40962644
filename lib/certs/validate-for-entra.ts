import { X509Certificate } from 'node:crypto';
import { RekeyError } from '@/lib/errors';
import { describeFile } from '@/lib/certs/cert-error';
import { certificateMatchesKey } from '@/lib/certs/certificate-matches-key';
import type { CertificateFacts } from '@/lib/certs/certificate-facts';

export type CertIssueCode =
  | 'KEY_MISMATCH'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'KEY_TYPE_UNSUPPORTED'
  | 'EC_NOT_SUPPORTED_BY_MSAL'
  | 'RSA_TOO_SMALL'
  | 'WEAK_SIGNATURE'
  // warnings
  | 'EXPIRES_SOON'
  | 'LONG_LIFETIME'
  | 'CA_CERTIFICATE'
  | 'NO_DIGITAL_SIGNATURE_USAGE'
  | 'RSA_PSS_KEY';

export interface CertIssue {
  code: CertIssueCode;
  message: string;
}

export interface ValidateOptions {
  now: Date;
  filename?: string;
  /** When given, the certificate must match it. */
  privateKeyPem?: string;
  /** Warn when the certificate expires within this many days (default 30). */
  warnWithinDays?: number;
  /**
   * The other certificates uploaded with it (a PFX's or P7B's chain). A CA certificate is only
   * worth a warning when it issued one of these: then the admin most likely exported the CA
   * instead of the connector's certificate. A self-signed certificate with CA:TRUE (what
   * `openssl req -x509` makes) is a normal connector credential.
   */
  chain?: CertificateFacts[];
}

export interface ValidationResult {
  ok: boolean;
  errors: CertIssue[];
  warnings: CertIssue[];
}

interface Ctx {
  facts: CertificateFacts;
  opts: ValidateOptions;
  file: string;
}

interface Check {
  name: string;
  severity: 'error' | 'warning';
  /** Returns the issue when the check hits, otherwise null. */
  run(ctx: Ctx): CertIssue | null;
}

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);
const MIN_RSA_BITS = 2048;
const WEAK_SIGNATURES = new Set([
  'md2WithRSAEncryption',
  'md5WithRSAEncryption',
  'sha1WithRSAEncryption',
  'ecdsa-with-SHA1',
  'dsa-with-SHA1',
]);

/**
 * What Entra ID and the vendor's MSAL-based service accept, in the order an admin should fix
 * them. Sources (checked 2026):
 * - Microsoft identity platform "certificate credentials": the client assertion is a JWT signed
 *   with the certificate's private key, `alg` PS256 (older docs RS256) with `x5t#S256` / `x5t`.
 *   Both are RSA algorithms, and MSAL's certificate credential builds exactly that assertion, so an
 *   EC (or DSA/EdDSA) certificate can be registered but the vendor service cannot sign in with it.
 * - Entra rejects RSA keys below 2048 bits at sign-in: "AADSTS700027: RSA key size 1024 is less
 *   than the minimum required 2048 bits".
 * - keyCredential `endDateTime` must lie within the certificate's validity; Graph rejects end
 *   dates past notAfter (KeyCredentialsInvalidEndDate) and tenant app-management policies may cap
 *   credential lifetime (CredentialInvalidLifetimeAsPerAppPolicy) — hence the lifetime warning.
 * - SHA-1/MD5 signatures: Entra does not validate the certificate's own signature (it only uses the
 *   public key), but a collision-prone signature is not acceptable for a credential Rekey pushes
 *   to 90 tenants; refuse it and ask for SHA-256.
 * Every check runs and all hits are kept; `errors[0]` is the first thing to fix.
 */
export const ENTRA_CERTIFICATE_CHECKS: readonly Check[] = [
  {
    name: 'keyMismatch',
    severity: 'error',
    run: ({ facts, opts, file }) => {
      if (!opts.privateKeyPem) return null;
      const x509 = new X509Certificate(Buffer.from(facts.derBase64, 'base64'));
      return certificateMatchesKey(x509, opts.privateKeyPem)
        ? null
        : {
            code: 'KEY_MISMATCH',
            message: `${file}: the certificate (SHA-1 ${facts.sha1Thumbprint}) does not belong to the private key given with it. Upload the certificate that was issued for this key, or the PFX exported from the machine that holds it.`,
          };
    },
  },
  {
    name: 'expired',
    severity: 'error',
    run: ({ facts, opts, file }) =>
      opts.now.getTime() >= facts.notAfter.getTime()
        ? {
            code: 'EXPIRED',
            message: `${file}: the certificate expired on ${day(facts.notAfter)}. Generate a new certificate in Rekey or ask the vendor's CA for a new one.`,
          }
        : null,
  },
  {
    name: 'notYetValid',
    severity: 'error',
    run: ({ facts, opts, file }) =>
      opts.now.getTime() < facts.notBefore.getTime()
        ? {
            code: 'NOT_YET_VALID',
            message: `${file}: the certificate is not valid until ${facts.notBefore.toISOString()}. Wait until then, or check the clock of the machine that created it and issue it again.`,
          }
        : null,
  },
  {
    name: 'keyTypeUnsupported',
    severity: 'error',
    run: ({ facts, file }) =>
      facts.keyType === 'RSA' || facts.keyType === 'RSA-PSS' || facts.keyType === 'EC'
        ? null
        : {
            code: 'KEY_TYPE_UNSUPPORTED',
            message: `${file}: the certificate has a ${facts.keyType} key. Entra ID client assertions are signed with RSA (PS256/RS256); issue an RSA certificate of 2048 bits or more.`,
          },
  },
  {
    name: 'ecNotSupportedByMsal',
    severity: 'error',
    run: ({ facts, file }) =>
      facts.keyType === 'EC'
        ? {
            code: 'EC_NOT_SUPPORTED_BY_MSAL',
            message: `${file}: the certificate has an elliptic-curve key (${facts.curve ?? 'EC'}). Entra ID would store it, but the vendor service signs its client assertion with MSAL as PS256, which needs an RSA key, so it could not sign in. Issue an RSA certificate (2048 bits or more).`,
          }
        : null,
  },
  {
    name: 'rsaTooSmall',
    severity: 'error',
    run: ({ facts, file }) =>
      (facts.keyType === 'RSA' || facts.keyType === 'RSA-PSS') && (facts.keySize ?? 0) < MIN_RSA_BITS
        ? {
            code: 'RSA_TOO_SMALL',
            message: `${file}: the RSA key has ${facts.keySize ?? 'an unknown number of'} bits; Entra ID refuses keys below ${MIN_RSA_BITS} bits (AADSTS700027). Generate a new key of 2048, 3072 or 4096 bits.`,
          }
        : null,
  },
  {
    name: 'weakSignature',
    severity: 'error',
    run: ({ facts, file }) =>
      WEAK_SIGNATURES.has(facts.signatureAlgorithm)
        ? {
            code: 'WEAK_SIGNATURE',
            message: `${file}: the certificate is signed with ${facts.signatureAlgorithm}; SHA-1 and MD5 signatures can be forged. Reissue it with SHA-256 (sha256WithRSAEncryption).`,
          }
        : null,
  },
  {
    name: 'expiresSoon',
    severity: 'warning',
    run: ({ facts, opts, file }) => {
      const left = facts.notAfter.getTime() - opts.now.getTime();
      return left > 0 && left <= (opts.warnWithinDays ?? 30) * DAY_MS
        ? {
            code: 'EXPIRES_SOON',
            message: `${file}: the certificate expires on ${day(facts.notAfter)}, in ${Math.ceil(left / DAY_MS)} days. Rotating to it buys little time; consider a newer certificate.`,
          }
        : null;
    },
  },
  {
    name: 'longLifetime',
    severity: 'warning',
    run: ({ facts, file }) =>
      facts.notAfter.getTime() - facts.notBefore.getTime() > 366 * DAY_MS * 2
        ? {
            code: 'LONG_LIFETIME',
            message: `${file}: the certificate is valid for more than two years. Tenant app-management policies may refuse long-lived credentials (CredentialInvalidLifetimeAsPerAppPolicy); prefer one year.`,
          }
        : null,
  },
  {
    name: 'caCertificate',
    severity: 'warning',
    run: ({ facts, file, opts }) => {
      if (!facts.isCA || !opts.chain?.length) return null;
      const issued = issuedBy(facts, opts.chain);
      return issued.length
        ? {
            code: 'CA_CERTIFICATE',
            message: `${file}: the chosen certificate is a CA that issued ${issued.length === 1 ? `"${issued[0]!.subject}"` : `${issued.length} other certificates`} in the same file. Connectors use the certificate at the end of the chain; check that you exported the right one.`,
          }
        : null;
    },
  },
  {
    name: 'noDigitalSignatureUsage',
    severity: 'warning',
    run: ({ facts, file }) =>
      facts.keyUsage && !facts.keyUsage.includes('digitalSignature')
        ? {
            code: 'NO_DIGITAL_SIGNATURE_USAGE',
            message: `${file}: the key usage (${facts.keyUsage.join(', ') || 'none'}) does not include digitalSignature. Entra ID does not check it, but strict client libraries may refuse to sign with this certificate.`,
          }
        : null,
  },
  {
    name: 'rsaPssKey',
    severity: 'warning',
    run: ({ facts, file }) =>
      facts.keyType === 'RSA-PSS'
        ? {
            code: 'RSA_PSS_KEY',
            message: `${file}: the key is an RSA-PSS-restricted key; some client libraries cannot load it. A plain RSA key is safer.`,
          }
        : null,
  },
];

/** Runs every check (pure; `now` is a parameter). */
/** The certificates of `chain` that `ca` signed (by signature, not only by name), itself excluded. */
function issuedBy(ca: CertificateFacts, chain: CertificateFacts[]): CertificateFacts[] {
  const caX509 = new X509Certificate(Buffer.from(ca.derBase64, 'base64'));
  return chain.filter((c) => {
    if (c.sha256Thumbprint === ca.sha256Thumbprint) return false;
    try {
      const x = new X509Certificate(Buffer.from(c.derBase64, 'base64'));
      return x.checkIssued(caX509) && x.verify(caX509.publicKey);
    } catch {
      return false;
    }
  });
}

export function validateForEntra(facts: CertificateFacts, opts: ValidateOptions): ValidationResult {
  const ctx: Ctx = { facts, opts, file: describeFile(opts.filename) };
  const errors: CertIssue[] = [];
  const warnings: CertIssue[] = [];
  for (const check of ENTRA_CERTIFICATE_CHECKS) {
    const issue = check.run(ctx);
    if (issue) (check.severity === 'error' ? errors : warnings).push(issue);
  }
  return { ok: errors.length === 0, errors, warnings };
}

/**
 * Throws INVALID_CERTIFICATE with the first error's message (all issues in `details.issues`);
 * returns the result (with warnings) otherwise.
 */
export function requireValidCertificate(facts: CertificateFacts, opts: ValidateOptions): ValidationResult {
  const result = validateForEntra(facts, opts);
  const first = result.errors[0];
  if (first) {
    const more =
      result.errors.length > 1
        ? ` (and ${result.errors.length - 1} more problem${result.errors.length > 2 ? 's' : ''})`
        : '';
    throw new RekeyError('INVALID_CERTIFICATE', `${first.message}${more}`, {
      reason: first.code,
      file: opts.filename,
      issues: result.errors,
      sha1Thumbprint: facts.sha1Thumbprint,
    });
  }
  return result;
}
