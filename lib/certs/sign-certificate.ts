import { createHash, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { RekeyError } from '@/lib/errors';
import { TAG, children, readTlv, slice } from '@/lib/certs/der';

export type SignatureHash = 'sha256' | 'sha384' | 'sha512' | 'sha1' | 'md5';

const RSA_SIG_OIDS: Record<SignatureHash, string> = {
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};
const EC_SIG_OIDS: Partial<Record<SignatureHash, string>> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

const NAME_ATTRS: Record<string, { shortName?: string; type?: string; valueTagClass?: number }> = {
  CN: { shortName: 'CN' },
  O: { shortName: 'O' },
  OU: { shortName: 'OU' },
  C: { shortName: 'C' },
  L: { shortName: 'L' },
  ST: { shortName: 'ST' },
  E: { shortName: 'E' },
  EMAILADDRESS: { shortName: 'E' },
  DC: { type: '0.9.2342.19200300.100.1.25', valueTagClass: forge.asn1.Type.IA5STRING },
};

/**
 * Parses an RFC 4514-style subject ("CN=connector, O=Vendor\, Inc, C=NL"; most specific first)
 * into forge attributes in DER order (reversed). Throws BAD_INPUT with the reason.
 */
export function parseSubject(subject: string): forge.pki.CertificateField[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < subject.length; i++) {
    const ch = subject[i]!;
    if (ch === '\\' && i + 1 < subject.length) {
      cur += subject[++i];
    } else if (ch === ',' || ch === ';') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const attrs: forge.pki.CertificateField[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new RekeyError(
        'BAD_INPUT',
        `Subject part "${part}" is not NAME=value. Write the subject like "CN=vendor-connector, O=Contoso".`,
      );
    const name = part.slice(0, eq).trim().toUpperCase();
    const value = part.slice(eq + 1).trim();
    const spec = NAME_ATTRS[name];
    if (!spec)
      throw new RekeyError(
        'BAD_INPUT',
        `Subject attribute "${name}" is not supported; use CN, O, OU, L, ST, C, E or DC.`,
      );
    if (!value) throw new RekeyError('BAD_INPUT', `Subject attribute ${name} is empty.`);
    if (name === 'C' && !/^[A-Z]{2}$/.test(value))
      throw new RekeyError('BAD_INPUT', `Subject country C=${value} must be a two-letter code such as NL or US.`);
    if (name === 'CN' && value.length > 64)
      throw new RekeyError('BAD_INPUT', `Subject CN is ${value.length} characters; X.509 allows at most 64.`);
    attrs.push({ ...spec, value } as forge.pki.CertificateField);
  }
  if (!attrs.some((a) => a.shortName === 'CN'))
    throw new RekeyError('BAD_INPUT', 'The subject needs a common name, e.g. "CN=vendor-connector".');
  return attrs.reverse();
}

export function toForgeAsn1(der: Buffer): forge.asn1.Asn1 {
  return forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
}

export function fromForgeAsn1(asn: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary');
}

/** The exact subject Name (DER) of a certificate: what its children carry as issuer. */
export function subjectNameDer(certDer: Buffer): Buffer {
  const [tbs] = children(certDer, readTlv(certDer, 0));
  if (!tbs) throw new RekeyError('INVALID_CERTIFICATE', 'The issuer certificate is not readable.');
  const kids = children(certDer, tbs);
  const first = kids[0]?.tag === TAG.CONTEXT_0 ? 1 : 0;
  const name = kids[first + 4];
  if (!name) throw new RekeyError('INVALID_CERTIFICATE', 'The issuer certificate has no subject.');
  return Buffer.from(slice(certDer, name));
}

function algorithmIdentifier(oid: string, withNull: boolean): forge.asn1.Asn1 {
  const { asn1 } = forge;
  const parts = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes())];
  if (withNull) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}

let placeholderKey: forge.pki.rsa.PublicKey | undefined;

export interface SignCertificateParams {
  /** RFC 4514 order, e.g. "CN=connector, O=Contoso". */
  subject: string;
  /** Exact DER Name of the issuer (its certificate's subject); default: self-issued. */
  issuerNameDer?: Buffer;
  /** Positive hex; default 16 random bytes. */
  serialNumberHex?: string;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  signingKey: KeyObject;
  hash?: SignatureHash;
  isCA?: boolean;
  /** DNS names for subjectAltName. */
  dnsNames?: string[];
}

export function randomSerialHex(random: (n: number) => Buffer): string {
  const bytes = random(16);
  bytes[0] = (bytes[0]! % 0x7f) + 1; // positive, no leading zero byte
  return bytes.toString('hex').toUpperCase();
}

/**
 * Builds and signs an X.509 v3 certificate: node-forge lays out the TBSCertificate, node:crypto
 * signs it (fast, and works for RSA and EC keys alike). Returns DER.
 */
export function signCertificate(p: SignCertificateParams): Buffer {
  const { asn1, pki } = forge;
  const hash = p.hash ?? 'sha256';
  const signerType = p.signingKey.asymmetricKeyType;
  const sigOid = signerType === 'rsa' ? RSA_SIG_OIDS[hash] : signerType === 'ec' ? EC_SIG_OIDS[hash] : undefined;
  if (!sigOid) throw new RekeyError('BAD_INPUT', `Cannot sign a certificate with a ${signerType} key and ${hash}.`);
  const sigAlg = () => algorithmIdentifier(sigOid, signerType === 'rsa');

  const spkiDer = p.publicKey.export({ type: 'spki', format: 'der' });
  const spki = toForgeAsn1(spkiDer);
  const spkiParts = children(spkiDer, readTlv(spkiDer, 0));
  const bitString = spkiParts[1]!;
  const ski = createHash('sha1')
    .update(spkiDer.subarray(bitString.valueStart + 1, bitString.end))
    .digest();

  const cert = pki.createCertificate();
  placeholderKey ??= pki.setRsaPublicKey(new forge.jsbn.BigInteger('3'), new forge.jsbn.BigInteger('3'));
  cert.publicKey = placeholderKey; // replaced by the real SubjectPublicKeyInfo below
  cert.serialNumber = (p.serialNumberHex ?? '01').toLowerCase();
  cert.validity.notBefore = p.notBefore;
  cert.validity.notAfter = p.notAfter;
  const attrs = parseSubject(p.subject);
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  const exts: object[] = [
    { name: 'basicConstraints', cA: p.isCA ?? false, critical: true },
    p.isCA
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : {
          name: 'keyUsage',
          digitalSignature: true,
          keyEncipherment: signerType === 'rsa' && p.publicKey.asymmetricKeyType === 'rsa',
          critical: true,
        },
    { name: 'subjectKeyIdentifier', subjectKeyIdentifier: ski.toString('hex') },
  ];
  if (!p.isCA) exts.push({ name: 'extKeyUsage', clientAuth: true });
  if (p.dnsNames?.length)
    exts.push({ name: 'subjectAltName', altNames: p.dnsNames.map((value) => ({ type: 2, value })) });
  cert.setExtensions(exts);

  cert.siginfo.algorithmOid = RSA_SIG_OIDS.sha256; // placeholder; replaced by sigAlg() below
  const tbs = (pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(
    cert,
  );
  const tbsParts = tbs.value as forge.asn1.Asn1[];
  tbsParts[2] = sigAlg();
  if (p.issuerNameDer) tbsParts[3] = toForgeAsn1(p.issuerNameDer);
  tbsParts[6] = spki;
  const tbsDer = fromForgeAsn1(tbs);
  const signature = sign(hash, tbsDer, p.signingKey);
  const certAsn1 = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    sigAlg(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature.toString('binary')}`),
  ]);
  return fromForgeAsn1(certAsn1);
}
