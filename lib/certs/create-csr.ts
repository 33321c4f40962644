import { createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { RekeyError } from '@/lib/errors';
import { generateKeyPair } from '@/lib/certs/generate-key-pair';
import { parseSubject } from '@/lib/certs/sign-certificate';

export interface CreateCsrInput {
  subject: string;
  keyPem?: string;
  bits?: number;
  dnsNames?: string[];
}

export interface GeneratedCsr {
  csrPem: string;
  /** PKCS#8 PEM of the pending key. Secret: seal it until the issued certificate comes back. */
  keyPem: string;
}

/** A PKCS#10 request (SHA-256) for the vendor's CA, with a new or given RSA key. */
export async function createCsr(input: CreateCsrInput): Promise<GeneratedCsr> {
  const keyPem = input.keyPem ?? (await generateKeyPair(input.bits ?? 2048)).privateKeyPem;
  const key = createPrivateKey(keyPem);
  if (key.asymmetricKeyType !== 'rsa')
    throw new RekeyError(
      'BAD_INPUT',
      'Rekey makes RSA requests only: the vendor service signs PS256/RS256 assertions.',
    );
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    throw new RekeyError('BAD_INPUT', 'The key is smaller than 2048 bits; Entra ID refuses it.');
  const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  const forgeKey = forge.pki.privateKeyFromPem(pkcs8) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  csr.setSubject(parseSubject(input.subject));
  const extensions: object[] = [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ];
  if (input.dnsNames?.length)
    extensions.push({ name: 'subjectAltName', altNames: input.dnsNames.map((value) => ({ type: 2, value })) });
  csr.setAttributes([{ name: 'extensionRequest', extensions }]);
  csr.sign(forgeKey, forge.md.sha256.create());
  return { csrPem: forge.pki.certificationRequestToPem(csr), keyPem: pkcs8 };
}
