/**
 * What leaves the server about a certificate: public facts only. Private keys are represented
 * by a boolean (`hasPrivateKey`) and never selected here.
 */
import type { CertificateFacts } from '@/lib/certs/certificate-facts';
import type { ValidationResult } from '@/lib/certs/validate-for-entra';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  keyType: string;
  keySize: number | null;
  curve: string | null;
  signatureAlgorithm: string;
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  selfSigned: boolean;
  isCA: boolean;
}

export function summarize(f: CertificateFacts): CertificateSummary {
  return {
    subject: f.subject,
    issuer: f.issuer,
    serialNumber: f.serialNumber,
    sans: f.sans,
    notBefore: f.notBefore.toISOString(),
    notAfter: f.notAfter.toISOString(),
    keyType: f.keyType,
    keySize: f.keySize ?? null,
    curve: f.curve ?? null,
    signatureAlgorithm: f.signatureAlgorithm,
    sha1Thumbprint: f.sha1Thumbprint,
    sha256Thumbprint: f.sha256Thumbprint,
    selfSigned: f.selfSigned,
    isCA: f.isCA,
  };
}

export interface InspectionResult {
  filename: string;
  kinds: string[];
  leaf: CertificateSummary;
  chain: CertificateSummary[];
  hasPrivateKey: boolean;
  validation: ValidationResult;
  /** Set when the inventory already holds this certificate. */
  existing: { id: string; hasPrivateKey: boolean } | null;
}
