import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { RekeyError } from '@/lib/errors';
import { certificateFactsFromDer, type CertificateFacts } from '@/lib/certs/certificate-facts';
import { generateKeyPair } from '@/lib/certs/generate-key-pair';
import { randomSerialHex, signCertificate } from '@/lib/certs/sign-certificate';

const DAY_MS = 86_400_000;
export const MAX_CERTIFICATE_DAYS = 3650;

export interface CreateSelfSignedCertificateInput {
  /** RFC 4514 order, e.g. "CN=contoso-connector, O=Contoso". */
  subject: string;
  /** Validity in days from `now` (1–3650). Entra accepts long lifetimes, but policy (lib/status) calls older certificates stale. */
  days: number;
  /** An existing RSA private key (PEM); otherwise a new key of `bits` is generated. */
  keyPem?: string;
  bits?: number;
  now: Date;
  dnsNames?: string[];
}

export interface GeneratedCertificate {
  certPem: string;
  /** PKCS#8 PEM. Secret. */
  keyPem: string;
  facts: CertificateFacts;
}

export function assertDays(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > MAX_CERTIFICATE_DAYS) {
    throw new RekeyError(
      'BAD_INPUT',
      `Validity must be a whole number of days between 1 and ${MAX_CERTIFICATE_DAYS}; got ${days}.`,
    );
  }
}

/** A self-signed RSA/SHA-256 client-authentication certificate, valid from `now` for `days`. */
export async function createSelfSignedCertificate(
  input: CreateSelfSignedCertificateInput,
): Promise<GeneratedCertificate> {
  assertDays(input.days);
  const keyPem = input.keyPem ?? (await generateKeyPair(input.bits ?? 2048)).privateKeyPem;
  const privateKey = createPrivateKey(keyPem);
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new RekeyError(
      'BAD_INPUT',
      `The key is ${privateKey.asymmetricKeyType}; Rekey only makes RSA certificates because the vendor's PS256/RS256 client assertions need RSA.`,
    );
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048)
    throw new RekeyError('BAD_INPUT', `The key has ${bits} bits; Entra ID needs RSA keys of at least 2048 bits.`);
  const der = signCertificate({
    subject: input.subject,
    serialNumberHex: randomSerialHex(randomBytes),
    notBefore: input.now,
    notAfter: new Date(input.now.getTime() + input.days * DAY_MS),
    publicKey: createPublicKey(privateKey),
    signingKey: privateKey,
    hash: 'sha256',
    ...(input.dnsNames ? { dnsNames: input.dnsNames } : {}),
  });
  const facts = certificateFactsFromDer(der);
  return { certPem: facts.pem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, facts };
}
