/**
 * addKey/removeKey (with a proof) or read-modify-write PATCH? A small pure decision with the
 * reason spelled out, recorded on the rotation. Ordered checks, first hit wins.
 */
import { createHash } from 'node:crypto';
import { privateKeyOf, x509Of } from '@/lib/graph/parsed-keys';
import { isCurrentlyValid, type ObservedCredential } from '@/lib/graph/describe-key-credential';

/** A certificate whose private key Rekey holds (decrypted from the vault by the caller). */
export interface HeldKey {
  certificatePem: string;
  privateKeyPem: string;
}

export type CredentialPath =
  { path: 'addKey'; reason: string; signer: HeldKey; signerSha1: string } | { path: 'patch'; reason: string };

export interface ChooseCredentialPathInput {
  /** The object's credentials as read just now. */
  credentials: ObservedCredential[];
  heldKeys: HeldKey[];
  now: Date;
  /** Credentials that may not sign (the one being removed). */
  excludeKeyIds?: string[];
  /** Force a path (e.g. an operator override); PATCH is always possible. */
  prefer?: 'patch';
}

interface HeldFacts {
  held: HeldKey;
  sha1: string;
  notBefore: Date;
  notAfter: Date;
  rsa: boolean;
}

function factsOf(h: HeldKey): HeldFacts | null {
  try {
    const x = x509Of(h.certificatePem);
    const key = privateKeyOf(h.privateKeyPem);
    return {
      held: h,
      sha1: createHash('sha1').update(x.raw).digest('hex').toUpperCase(),
      notBefore: new Date(x.validFrom),
      notAfter: new Date(x.validTo),
      rsa: key.asymmetricKeyType === 'rsa' && x.checkPrivateKey(key),
    };
  } catch {
    return null;
  }
}

export function chooseCredentialPath(input: ChooseCredentialPathInput): CredentialPath {
  if (input.prefer === 'patch') return { path: 'patch', reason: 'PATCH was requested explicitly' };
  const now = input.now;
  const excluded = new Set(input.excludeKeyIds ?? []);
  const held = input.heldKeys.map(factsOf).filter((f): f is HeldFacts => f !== null);
  if (held.length === 0)
    return { path: 'patch', reason: 'no currently valid private key of this object is held by Rekey' };
  const onObject = input.credentials.filter((c) => c.sha1 && !excluded.has(c.keyId));
  const matches = held
    .map((h) => ({ h, cred: onObject.find((c) => c.sha1 === h.sha1) }))
    .filter((m): m is { h: HeldFacts; cred: ObservedCredential } => m.cred !== undefined);
  if (matches.length === 0)
    return { path: 'patch', reason: 'none of the private keys Rekey holds belongs to a credential on this object' };
  const valid = matches.filter((m) => isCurrentlyValid(m.cred, now) && m.h.notBefore <= now && m.h.notAfter > now);
  if (valid.length === 0)
    return { path: 'patch', reason: 'the credentials whose private keys Rekey holds are expired or not yet valid' };
  const rsa = valid.filter((m) => m.h.rsa);
  if (rsa.length === 0)
    return { path: 'patch', reason: 'the held keys of valid credentials are not RSA (addKey proofs are RS256)' };
  // Prefer the signer that stays valid longest.
  rsa.sort((a, b) => b.h.notAfter.getTime() - a.h.notAfter.getTime());
  const best = rsa[0]!;
  const until = best.cred.end ?? best.h.notAfter.toISOString();
  return {
    path: 'addKey',
    reason: `Rekey holds the private key of the current credential (thumbprint ${best.h.sha1}, keyId ${best.cred.keyId}), valid until ${until}`,
    signer: best.h.held,
    signerSha1: best.h.sha1,
  };
}
