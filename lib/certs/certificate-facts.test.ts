import { describe, expect, it } from 'vitest';
import { certificateFactsFromDer, certificateFactsOfDer } from '@/lib/certs/certificate-facts';
import { buildCert } from '@/lib/testing/certs';

describe('certificateFactsOfDer (remembered per DER)', () => {
  it('gives the facts certificateFactsFromDer gives, the same frozen object for the same DER', () => {
    const a = buildCert({ subject: 'CN=remembered-a' });
    const b = buildCert({ subject: 'CN=remembered-b', slot: 2 });
    const first = certificateFactsOfDer(a.der);
    expect(first).toEqual(certificateFactsFromDer(a.der));
    expect(Object.isFrozen(first)).toBe(true);
    // A copy of the bytes (as each tenant's keyCredential decodes its own) finds the same facts.
    expect(certificateFactsOfDer(Buffer.from(a.der))).toBe(first);
    const other = certificateFactsOfDer(b.der);
    expect(other).not.toBe(first);
    expect(other.sha1Thumbprint).toBe(certificateFactsFromDer(b.der).sha1Thumbprint);
    expect(other.sha1Thumbprint).not.toBe(first.sha1Thumbprint);
  });

  it('does not remember a DER that fails to parse: it throws every time', () => {
    const junk = Buffer.from('not a certificate at all');
    expect(() => certificateFactsOfDer(junk)).toThrow();
    expect(() => certificateFactsOfDer(junk)).toThrow();
  });
});
