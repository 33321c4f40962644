/**
 * Parsed certificates and private keys by PEM, remembered for the process (bounded): a campaign
 * signs client assertions and addKey proofs with the same few keys thousands of times, and
 * parsing a PEM costs more than the signature. The memory holds what the caller already holds
 * (the PEM strings); nothing here is written anywhere.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

const MAX_ENTRIES = 256;

function memo<T>(parse: (pem: string) => T): (pem: string) => T {
  const seen = new Map<string, T>();
  return (pem) => {
    const hit = seen.get(pem);
    if (hit !== undefined) return hit;
    const v = parse(pem);
    if (seen.size >= MAX_ENTRIES) seen.delete(seen.keys().next().value as string);
    seen.set(pem, v);
    return v;
  };
}

/** `new X509Certificate(pem)`, parsed once per PEM. Throws as the constructor does. */
export const x509Of = memo((pem: string) => new X509Certificate(pem));

/** `createPrivateKey(pem)`, parsed once per PEM. Throws as createPrivateKey does. */
export const privateKeyOf = memo((pem: string): KeyObject => createPrivateKey(pem));
