/**
 * The proof-of-possession JWT that addKey/removeKey require (https://learn.microsoft.com/en-us/graph/application-rollkey-prooftoken): signed RS256 with
 * the private key of a currently valid certificate already on the object; `iss` is the OBJECT id
 * of the application or service principal; lifetime 10 minutes; base64url without padding.
 */
import { createHash, sign } from 'node:crypto';
import { privateKeyOf, x509Of } from '@/lib/graph/parsed-keys';

export const PROOF_AUDIENCE = '00000002-0000-0000-c000-000000000000';
export const PROOF_LIFETIME_S = 600;

export interface CreateProofTokenInput {
  /** Object id of the application (for /applications/…) or service principal. */
  objectId: string;
  /** The certificate whose key signs (must be on the object and currently valid). */
  certificatePem: string;
  privateKeyPem: string;
  now: Date;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function createProofToken(input: CreateProofTokenInput): string {
  const der = x509Of(input.certificatePem).raw;
  const sha1 = createHash('sha1').update(der).digest();
  const key = privateKeyOf(input.privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`addKey proofs are RS256: the key must be RSA, not ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  const nbf = Math.floor(input.now.getTime() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5t: sha1.toString('base64url'), kid: sha1.toString('hex').toUpperCase() };
  const claims = { aud: PROOF_AUDIENCE, iss: input.objectId, nbf, exp: nbf + PROOF_LIFETIME_S };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${signature.toString('base64url')}`;
}
