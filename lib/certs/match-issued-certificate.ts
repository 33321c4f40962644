import { X509Certificate, createPrivateKey } from 'node:crypto';
import { certInputError } from '@/lib/certs/cert-error';
import { certificateMatchesKey } from '@/lib/certs/certificate-matches-key';
import type { CertificateFacts } from '@/lib/certs/certificate-facts';
import { parseCertificateInput, type ParseOptions } from '@/lib/certs/parse-certificate-input';

export interface MatchedCertificate {
  facts: CertificateFacts;
  chain: CertificateFacts[];
  /** PKCS#8 PEM of the pending key. Secret. */
  keyPem: string;
}

/**
 * Pairs the certificate the vendor's CA issued (any format parseCertificateInput reads) with the
 * pending key its CSR was made from. Throws INVALID_CERTIFICATE / KEY_MISMATCH when the CA signed a
 * different key (wrong CSR, or the request was regenerated).
 */
export function matchIssuedCertificate(
  certInput: string | Buffer,
  keyPem: string,
  opts?: ParseOptions & { filename?: string },
): MatchedCertificate {
  const bundle = parseCertificateInput(
    { data: certInput, ...(opts?.filename ? { filename: opts.filename } : {}) },
    opts,
  );
  const key = createPrivateKey(keyPem);
  const ordered = [bundle.leaf, ...bundle.chain];
  const match = ordered.find((c) =>
    certificateMatchesKey(new X509Certificate(Buffer.from(c.derBase64, 'base64')), key),
  );
  if (!match) {
    throw certInputError(
      'KEY_MISMATCH',
      opts?.filename,
      `was issued for a different key than the pending request's key (certificate SHA-1 ${bundle.leaf.sha1Thumbprint}). Check that you uploaded the certificate issued for this request, or create a new request.`,
      {
        sha1Thumbprint: bundle.leaf.sha1Thumbprint,
      },
    );
  }
  return {
    facts: match,
    chain: ordered.filter((c) => c !== match),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
