import { X509Certificate, createHash } from 'node:crypto';
import { DerError, TAG, children, readOid, readTime, readTlv, type Tlv } from '@/lib/certs/der';

export type KeyType = 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'DH' | 'unknown';

/** What Rekey knows about one X.509 certificate. Everything here is public information. */
export interface CertificateFacts {
  /** RFC 4514 order (most specific first), e.g. "CN=connector, O=Vendor, C=NL". */
  subject: string;
  issuer: string;
  /** Uppercase hex, as OpenSSL and the Entra portal show it. */
  serialNumber: string;
  /** "DNS:host", "IP Address:1.2.3.4", "email:…", "URI:…" as OpenSSL names them. */
  sans: string[];
  notBefore: Date;
  notAfter: Date;
  keyType: KeyType;
  /** Bits: RSA/DSA modulus, EC curve size. */
  keySize?: number;
  /** EC curve as the JOSE/NIST name when known ("P-256"), else OpenSSL's name. */
  curve?: string;
  /** e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA256"; the OID when unknown. */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  /** Uppercase hex, no separators: what the Entra portal shows. */
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  /** base64url SHA-1 / SHA-256 of the DER (JOSE x5t, x5t#S256). */
  x5t: string;
  x5tS256: string;
  derBase64: string;
  pem: string;
  isCA: boolean;
  selfSigned: boolean;
  /** Key usage bit names (RFC 5280 spelling, e.g. "digitalSignature") when the extension is present. */
  keyUsage?: string[];
  /** Extended key usage OIDs when the extension is present (clientAuth = 1.3.6.1.5.5.7.3.2). */
  extendedKeyUsage?: string[];
}

export const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += `${b64.slice(i, i + 64)}\n`;
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** OpenSSL prints names one RDN per line in DER order; we show them RFC 4514 style, most specific first. */
function formatName(multiline: string): string {
  return multiline.split('\n').filter(Boolean).reverse().join(', ');
}

/**
 * Splits OpenSSL's SAN text ("DNS:a, DNS:b, IP Address:1.2.3.4"). Values containing ", " are
 * quoted by Node (JSON string) so a naive split is only used when there is no quote.
 */
function parseSans(text: string | undefined): string[] {
  if (!text) return [];
  if (!text.includes('"')) return text.split(', ');
  const out: string[] = [];
  const re = /([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m[0] !== '') {
    const raw = m[2]!;
    out.push(`${m[1]}:${raw.startsWith('"') ? (JSON.parse(raw) as string) : raw}`);
  }
  return out;
}

/** Fields node:crypto does not expose on Node 20: signature algorithm and exact validity. */
const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

const SPKI_ALGORITHMS: Record<string, KeyType> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.10046.2.1': 'DH',
};

const CURVE_OIDS: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
};

/** Bit length of a DER INTEGER's magnitude. */
function integerBits(der: Buffer, t: Tlv): number {
  let i = t.valueStart;
  while (i < t.end - 1 && der[i] === 0) i++;
  const first = der[i] ?? 0;
  return (t.end - i - 1) * 8 + (first === 0 ? 0 : 32 - Math.clz32(first));
}

interface KeyInfo {
  keyType: KeyType;
  keySize?: number;
  curve?: string;
}

/** Key type and size straight from the SubjectPublicKeyInfo (node's KeyObject costs ~60 µs). */
function readSpki(der: Buffer, spki: Tlv): KeyInfo {
  const [alg, bits] = children(der, spki);
  if (!alg || !bits) throw new DerError('malformed', 'certificate has no public key');
  const [oidTlv, params] = children(der, alg);
  if (!oidTlv) throw new DerError('malformed', 'certificate public key has no algorithm');
  const oid = readOid(der, oidTlv);
  const keyType = SPKI_ALGORITHMS[oid] ?? 'unknown';
  if (keyType === 'RSA' || keyType === 'RSA-PSS') {
    const rsa = readTlv(der, bits.valueStart + 1, bits.end);
    const n = children(der, rsa)[0];
    return n ? { keyType, keySize: integerBits(der, n) } : { keyType };
  }
  if (keyType === 'EC' && params?.tag === TAG.OID) {
    const curveOid = readOid(der, params);
    const known = CURVE_OIDS[curveOid];
    return known ? { keyType, keySize: known.bits, curve: known.name } : { keyType, curve: curveOid };
  }
  if (keyType === 'DSA' && params?.tag === TAG.SEQUENCE) {
    const p = children(der, params)[0];
    return p ? { keyType, keySize: integerBits(der, p) } : { keyType };
  }
  if (keyType === 'Ed25519') return { keyType, keySize: 256 };
  if (keyType === 'Ed448') return { keyType, keySize: 456 };
  return { keyType };
}

interface Extensions {
  keyUsage?: string[];
  subjectKeyId?: string;
  authorityKeyId?: string;
}

function readExtensions(der: Buffer, extensions: Tlv | undefined): Extensions {
  const out: Extensions = {};
  if (!extensions) return out;
  const [seq] = children(der, extensions);
  if (!seq) return out;
  for (const ext of children(der, seq)) {
    const parts = children(der, ext);
    const oidTlv = parts[0];
    const octets = parts[parts.length - 1];
    if (!oidTlv || !octets || octets.tag !== TAG.OCTET_STRING) continue;
    const oid = readOid(der, oidTlv);
    if (oid === '2.5.29.15') {
      const bits = readTlv(der, octets.valueStart, octets.end);
      const names: string[] = [];
      for (let i = bits.valueStart + 1; i < bits.end; i++) {
        const byte = der[i]!;
        for (let b = 0; b < 8; b++) {
          const name = KEY_USAGE_BITS[(i - bits.valueStart - 1) * 8 + b];
          if (name && byte & (0x80 >> b)) names.push(name);
        }
      }
      out.keyUsage = names;
    } else if (oid === '2.5.29.14') {
      const id = readTlv(der, octets.valueStart, octets.end);
      out.subjectKeyId = der.toString('hex', id.valueStart, id.end);
    } else if (oid === '2.5.29.35') {
      const aki = readTlv(der, octets.valueStart, octets.end);
      const keyId = children(der, aki).find((t) => t.tag === 0x80);
      if (keyId) out.authorityKeyId = der.toString('hex', keyId.valueStart, keyId.end);
    }
  }
  return out;
}

interface TbsFields extends KeyInfo, Extensions {
  signatureAlgorithmOid: string;
  notBefore: Date;
  notAfter: Date;
  /** Exact DER of the issuer and subject names, compared for self-issued detection. */
  issuerDer: Buffer;
  subjectDer: Buffer;
}

/** Fields node:crypto does not expose on Node 20 (or exposes slowly), from one walk of the DER. */
function readTbsFields(der: Buffer): TbsFields {
  const cert = readTlv(der, 0);
  const [tbs, sigAlg] = children(der, cert);
  if (!tbs || !sigAlg || tbs.tag !== TAG.SEQUENCE || sigAlg.tag !== TAG.SEQUENCE)
    throw new DerError('malformed', 'not an X.509 certificate structure');
  const algOid = children(der, sigAlg)[0];
  if (!algOid) throw new DerError('malformed', 'certificate has no signature algorithm');
  const tbsKids = children(der, tbs);
  const first = tbsKids[0]?.tag === TAG.CONTEXT_0 ? 1 : 0;
  const issuer = tbsKids[first + 2];
  const validity = tbsKids[first + 3];
  const subject = tbsKids[first + 4];
  const spki = tbsKids[first + 5];
  if (!issuer || !subject || !spki || !validity || validity.tag !== TAG.SEQUENCE)
    throw new DerError('malformed', 'certificate is missing required fields');
  const [nb, na] = children(der, validity);
  if (!nb || !na) throw new DerError('malformed', 'certificate validity is incomplete');
  return {
    signatureAlgorithmOid: readOid(der, algOid),
    notBefore: readTime(der, nb),
    notAfter: readTime(der, na),
    issuerDer: der.subarray(issuer.start, issuer.end),
    subjectDer: der.subarray(subject.start, subject.end),
    ...readSpki(der, spki),
    ...readExtensions(
      der,
      tbsKids.find((t) => t.tag === TAG.CONTEXT_3),
    ),
  };
}

/**
 * Facts for one DER certificate. The hot path: node:crypto's native X509Certificate for names,
 * key and extensions, a tiny DER walk for what Node 20 does not expose, and node:crypto hashes.
 * Throws whatever the native parser or the DER walk throws; `parseCertificateInput` turns those
 * into messages for people.
 */
export function certificateFactsFromDer(
  der: Buffer,
  x509: X509Certificate = new X509Certificate(der),
): CertificateFacts {
  const tbs = readTbsFields(der);
  const sha1 = createHash('sha1').update(der).digest();
  const sha256 = createHash('sha256').update(der).digest();
  const subject = x509.subject;
  const issuer = x509.issuer;
  const facts: CertificateFacts = {
    subject: formatName(subject),
    issuer: formatName(issuer),
    serialNumber: x509.serialNumber.toUpperCase(),
    sans: parseSans(x509.subjectAltName),
    notBefore: tbs.notBefore,
    notAfter: tbs.notAfter,
    keyType: tbs.keyType,
    signatureAlgorithm: SIGNATURE_ALGORITHMS[tbs.signatureAlgorithmOid] ?? tbs.signatureAlgorithmOid,
    signatureAlgorithmOid: tbs.signatureAlgorithmOid,
    sha1Thumbprint: sha1.toString('hex').toUpperCase(),
    sha256Thumbprint: sha256.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
    derBase64: der.toString('base64'),
    pem: derToPem(der),
    isCA: x509.ca,
    // Self-issued (same name) and, when both key identifiers are present, the same key. This is
    // OpenSSL's own issuer test minus its keyCertSign demand (which leaf certificates rightly
    // fail) and without a signature verification (~20–90 µs) on the hot path.
    selfSigned:
      tbs.subjectDer.equals(tbs.issuerDer) &&
      (tbs.authorityKeyId === undefined || tbs.subjectKeyId === undefined || tbs.authorityKeyId === tbs.subjectKeyId),
  };
  if (tbs.keySize !== undefined) facts.keySize = tbs.keySize;
  if (tbs.curve !== undefined) facts.curve = tbs.curve;
  if (tbs.keyUsage !== undefined) facts.keyUsage = tbs.keyUsage;
  // Node names this getter keyUsage, but it returns the extended key usage OIDs.
  const eku = x509.keyUsage;
  if (eku !== undefined) facts.extendedKeyUsage = eku;
  return facts;
}

/**
 * The inventory columns a certificate's facts fill (a Certificate row, without what the DER does not
 * say: source, label, region, a sealed key). The one builder for every row made from a DER: the
 * tenant scan's discovered certificates and the test helper lib/testing/store-certificate.ts.
 */
export function certificateColumns(f: CertificateFacts) {
  return {
    sha1Thumbprint: f.sha1Thumbprint,
    sha256Thumbprint: f.sha256Thumbprint,
    serialNumber: f.serialNumber,
    subject: f.subject,
    issuer: f.issuer,
    notBefore: f.notBefore,
    notAfter: f.notAfter,
    keyType: f.keyType,
    keySize: f.keySize ?? null,
    curve: f.curve ?? null,
    signatureAlgorithm: f.signatureAlgorithm,
    der: new Uint8Array(Buffer.from(f.derBase64, 'base64')),
  };
}

/** Uppercase hex without separators; accepts "aa:bb", "aa bb", lowercase. */
export function normalizeThumbprint(value: string): string {
  return value.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}

const FACTS_REMEMBERED = 256;
const factsByDer = new Map<string, Readonly<CertificateFacts>>();

/**
 * `certificateFactsFromDer`, remembered per DER for the process (bounded, oldest first out): a
 * fleet's discovery sees the same few vendor certificates in thousands of tenants. The facts are
 * frozen, as every caller shares them. A DER that fails to parse is not remembered (it throws again).
 */
export function certificateFactsOfDer(der: Buffer): Readonly<CertificateFacts> {
  const key = der.toString('base64');
  const hit = factsByDer.get(key);
  if (hit) return hit;
  const facts = Object.freeze(certificateFactsFromDer(der));
  if (factsByDer.size >= FACTS_REMEMBERED) factsByDer.delete(factsByDer.keys().next().value as string);
  factsByDer.set(key, facts);
  return facts;
}
