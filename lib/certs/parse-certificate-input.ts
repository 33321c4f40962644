import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { certInputError, type CertInputReason } from '@/lib/certs/cert-error';
import { certificateFactsFromDer, type CertificateFacts, type KeyType } from '@/lib/certs/certificate-facts';
import { DerError, TAG, children, readOid, readSmallInt, readTlv, slice, type Tlv } from '@/lib/certs/der';

/** What Rekey recognised in the input, in the order it was met. */
export type InputKind =
  | 'pem'
  | 'der'
  | 'base64'
  | 'utf16-text'
  | 'pkcs12'
  | 'pkcs7'
  | 'certificate'
  | 'private-key-pkcs8'
  | 'private-key-pkcs1'
  | 'private-key-sec1'
  | 'encrypted-private-key';

export interface ParsedPrivateKey {
  /** Unencrypted PKCS#8 PEM. Secret: seal it (lib/vault) or drop it; never log or return it to a browser. */
  pem: string;
  type: KeyType;
  size?: number;
  curve?: string;
}

export interface ParsedBundle {
  kinds: InputKind[];
  /** Leaf first, then its issuers in order, then anything unrelated. */
  certificates: CertificateFacts[];
  leaf: CertificateFacts;
  /** `certificates` without the leaf. */
  chain: CertificateFacts[];
  /** Present when the input held a private key; it always matches `leaf`. */
  privateKey?: ParsedPrivateKey;
}

export interface CertificateInput {
  data: Buffer | string;
  filename?: string;
  password?: string;
}

export interface ParseOptions {
  /** Refuse inputs larger than this (default 1 MiB; a PFX with a full chain is a few KiB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024;

const OID = {
  pkcs7Data: '1.2.840.113549.1.7.1',
  pkcs7SignedData: '1.2.840.113549.1.7.2',
} as const;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END ([A-Z0-9 #]+)-----/g;

interface FoundCert {
  der: Buffer;
  x509: X509Certificate;
  facts: CertificateFacts;
}

type Foreign = 'csr' | 'public-key' | 'other';

/** Collects what one input holds; throws a RekeyError naming the file and the fix on the first problem. */
class Collector {
  readonly kinds: InputKind[] = [];
  readonly certs: FoundCert[] = [];
  readonly keys: KeyObject[] = [];
  readonly foreign: { kind: Foreign; label: string }[] = [];

  constructor(
    readonly filename: string | undefined,
    readonly password: string | undefined,
  ) {}

  fail(reason: CertInputReason, message: string, extra?: Record<string, unknown>, cause?: unknown): never {
    throw certInputError(reason, this.filename, message, extra, cause);
  }

  kind(k: InputKind): void {
    if (!this.kinds.includes(k)) this.kinds.push(k);
  }

  buffer(buf: Buffer): void {
    if (buf.length === 0)
      this.fail('EMPTY', 'the file is empty. Choose the certificate file (.cer, .crt, .pem, .pfx or .p7b) again.');
    if (buf[0] === 0xff && buf[1] === 0xfe) {
      this.kind('utf16-text');
      return this.text(buf.subarray(2).toString('utf16le'));
    }
    if (looksLikeText(buf)) return this.text(buf.toString('utf8'));
    this.kind('der');
    this.binary(buf);
  }

  text(raw: string): void {
    const s = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    if (s.trim() === '')
      this.fail('EMPTY', 'the file is empty. Choose the certificate file (.cer, .crt, .pem, .pfx or .p7b) again.');
    if (s.includes('-----BEGIN ')) {
      this.kind('pem');
      return this.pem(s);
    }
    const compact = s.replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) && compact.length >= 16) {
      this.kind('base64');
      const bytes = Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (bytes[0] !== 0x30)
        this.fail(
          'NOT_A_CERTIFICATE',
          'is base64 text, but it does not decode to a certificate. Export the certificate as "Base-64 encoded X.509 (.CER)" or DER and try again.',
        );
      return this.binary(bytes);
    }
    this.fail(
      'NOT_A_CERTIFICATE',
      'is a text file without a PEM block ("-----BEGIN CERTIFICATE-----") or base64 data. Export the certificate as .cer/.pem, or the certificate with its key as .pfx.',
    );
  }

  pem(s: string): void {
    const begins = s.match(/-----BEGIN [A-Z0-9 #]+-----/g) ?? [];
    let blocks = 0;
    for (const m of s.matchAll(PEM_BLOCK)) {
      blocks++;
      const label = m[1]!;
      if (m[3] !== label)
        this.fail(
          'TRUNCATED',
          `the PEM block "${label}" ends with "-----END ${m[3]}-----"; the file is damaged or two files were pasted together. Export it again.`,
        );
      this.pemBlock(label, m[2]!, m[0]);
    }
    if (blocks < begins.length) {
      const unmatched = begins[blocks] ?? begins[0]!;
      this.fail(
        'TRUNCATED',
        `the PEM block "${unmatched.replace(/-/g, '').replace('BEGIN ', '')}" has no END line: the file is cut off. Copy or download the whole file again.`,
      );
    }
  }

  pemBlock(label: string, body: string, whole: string): void {
    const lines = body
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const headers = lines.filter((l) => l.includes(':'));
    const b64 = lines.filter((l) => !l.includes(':')).join('');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64))
      this.fail(
        'NOT_A_CERTIFICATE',
        `the PEM block "${label}" contains characters that are not base64; the file is damaged. Export it again.`,
      );
    const der = Buffer.from(b64, 'base64');
    switch (label) {
      case 'CERTIFICATE':
      case 'X509 CERTIFICATE':
      case 'TRUSTED CERTIFICATE':
        return this.binary(der, 'certificate');
      case 'PKCS7':
      case 'CMS':
        return this.binary(der, 'pkcs7');
      case 'PRIVATE KEY':
        return this.binary(der, 'private-key');
      case 'ENCRYPTED PRIVATE KEY':
        return this.binary(der, 'private-key');
      case 'RSA PRIVATE KEY':
      case 'EC PRIVATE KEY':
        if (headers.some((h) => h.startsWith('Proc-Type:') && h.includes('ENCRYPTED'))) {
          this.kind('encrypted-private-key');
          return this.addKey(
            () => createPrivateKey({ key: whole, format: 'pem', passphrase: this.password ?? '' }),
            true,
          );
        }
        return this.binary(der, 'private-key');
      case 'CERTIFICATE REQUEST':
      case 'NEW CERTIFICATE REQUEST':
        this.foreign.push({ kind: 'csr', label });
        return;
      case 'PUBLIC KEY':
      case 'RSA PUBLIC KEY':
        this.foreign.push({ kind: 'public-key', label });
        return;
      default:
        this.foreign.push({ kind: 'other', label });
    }
  }

  /** Classifies DER by shape; `expect` comes from a PEM label. */
  binary(buf: Buffer, expect?: 'certificate' | 'pkcs7' | 'private-key'): void {
    if (buf[0] !== TAG.SEQUENCE) {
      this.fail(
        'NOT_A_CERTIFICATE',
        `is not a certificate: it starts with bytes ${buf.subarray(0, 4).toString('hex')}, not a DER structure. Export the certificate as .cer (DER or Base-64), .pem, .pfx or .p7b.`,
      );
    }
    let outer: Tlv;
    let kids: Tlv[];
    try {
      outer = readTlv(buf, 0);
      kids = children(buf, outer);
    } catch (e) {
      if (e instanceof DerError && e.reason === 'truncated') {
        this.fail(
          'TRUNCATED',
          `is truncated: it holds ${buf.length} bytes but its structure needs ${e.needed ?? 'more'}. Download or copy the whole file again.`,
          { bytes: buf.length, needed: e.needed },
        );
      }
      if (e instanceof DerError && e.reason === 'indefinite') return this.berFallback(buf);
      return this.fail(
        'NOT_A_CERTIFICATE',
        'could not be read as a certificate, PFX or PKCS#7 file (the DER structure is damaged). Export it again.',
        undefined,
        e,
      );
    }
    const bytes = buf.subarray(0, outer.end);
    const [k0, k1, k2] = kids;
    if (!k0) this.fail('NOT_A_CERTIFICATE', 'is an empty DER structure, not a certificate.');

    // PFX: SEQUENCE { INTEGER 3, ContentInfo, MacData? }
    if (
      k0.tag === TAG.INTEGER &&
      k1?.tag === TAG.SEQUENCE &&
      readSmallInt(buf, k0) === 3 &&
      children(buf, k1)[0]?.tag === TAG.OID
    ) {
      return this.pkcs12(bytes);
    }
    // ContentInfo { OID, [0] content }
    if (k0.tag === TAG.OID) {
      const oid = readOid(buf, k0);
      if (oid === OID.pkcs7SignedData && k1) return this.pkcs7(bytes, k1);
      return this.fail(
        'NOT_A_CERTIFICATE',
        `is a PKCS#7/CMS message of type ${oid}, not a certificate bundle. Export the chain as .p7b ("Cryptographic Message Syntax Standard - PKCS #7 Certificates").`,
      );
    }
    // Certificate or CSR: SEQUENCE { SEQUENCE tbs, AlgorithmIdentifier, BIT STRING }
    if (k0.tag === TAG.SEQUENCE && kids.length === 3 && k1?.tag === TAG.SEQUENCE && k2?.tag === TAG.BIT_STRING) {
      const tbs = children(buf, k0);
      if (tbs.length <= 4 && tbs[0]?.tag === TAG.INTEGER && tbs[tbs.length - 1]?.tag === TAG.CONTEXT_0) {
        this.foreign.push({ kind: 'csr', label: 'CERTIFICATE REQUEST' });
        return;
      }
      return this.certificate(bytes);
    }
    // SubjectPublicKeyInfo
    if (k0.tag === TAG.SEQUENCE && kids.length === 2 && k1?.tag === TAG.BIT_STRING) {
      this.foreign.push({ kind: 'public-key', label: 'PUBLIC KEY' });
      return;
    }
    // EncryptedPrivateKeyInfo
    if (k0.tag === TAG.SEQUENCE && kids.length === 2 && k1?.tag === TAG.OCTET_STRING) {
      this.kind('encrypted-private-key');
      return this.addKey(
        () => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8', passphrase: this.password ?? '' }),
        true,
      );
    }
    // PrivateKeyInfo (PKCS#8)
    if (k0.tag === TAG.INTEGER && k1?.tag === TAG.SEQUENCE && k2?.tag === TAG.OCTET_STRING) {
      this.kind('private-key-pkcs8');
      return this.addKey(() => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' }), false);
    }
    // RSAPrivateKey (PKCS#1)
    if (kids.length >= 9 && kids.every((k) => k.tag === TAG.INTEGER)) {
      this.kind('private-key-pkcs1');
      return this.addKey(() => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs1' }), false);
    }
    // ECPrivateKey (SEC1)
    if (k0.tag === TAG.INTEGER && k1?.tag === TAG.OCTET_STRING) {
      this.kind('private-key-sec1');
      return this.addKey(() => createPrivateKey({ key: bytes, format: 'der', type: 'sec1' }), false);
    }
    const hint =
      expect === 'certificate'
        ? 'The PEM block says CERTIFICATE but its content is not one; the file is damaged.'
        : 'Export the certificate as .cer/.pem, .pfx or .p7b.';
    this.fail('NOT_A_CERTIFICATE', `is not a certificate, PFX, PKCS#7 bundle or private key. ${hint}`);
  }

  certificate(der: Buffer): void {
    let x509: X509Certificate;
    let facts: CertificateFacts;
    try {
      x509 = new X509Certificate(der);
      facts = certificateFactsFromDer(der, x509);
    } catch (e) {
      return this.fail(
        'NOT_A_CERTIFICATE',
        `contains something shaped like a certificate that OpenSSL cannot read (${(e as Error).message}). Ask the vendor for a standard X.509 certificate.`,
        undefined,
        e,
      );
    }
    this.kind('certificate');
    if (!this.certs.some((c) => c.facts.sha1Thumbprint === facts.sha1Thumbprint)) this.certs.push({ der, x509, facts });
  }

  pkcs7(buf: Buffer, content: Tlv): void {
    this.kind('pkcs7');
    const signedData = children(buf, content)[0];
    const parts = signedData ? children(buf, signedData) : [];
    const certSet = parts.find((t, i) => i >= 3 && t.tag === TAG.CONTEXT_0);
    const certs = certSet ? children(buf, certSet).filter((t) => t.tag === TAG.SEQUENCE) : [];
    if (certs.length === 0)
      this.fail(
        'NO_CERTIFICATE',
        'is a PKCS#7 (.p7b) file without certificates. Export the certificate chain again with "Include all certificates in the certification path".',
      );
    for (const t of certs) this.certificate(Buffer.from(slice(buf, t)));
  }

  /** BER (indefinite-length) PKCS#7 or PFX, as Java and some Windows tools write them: let node-forge read it. */
  berFallback(buf: Buffer): void {
    let asn: forge.asn1.Asn1;
    try {
      asn = forge.asn1.fromDer(forge.util.createBuffer(buf.toString('binary')), false);
    } catch (e) {
      return this.fail(
        'NOT_A_CERTIFICATE',
        'could not be read as a certificate, PFX or PKCS#7 file (the BER structure is damaged). Export it again.',
        undefined,
        e,
      );
    }
    const first = Array.isArray(asn.value) ? asn.value[0] : undefined;
    if (first && first.type === forge.asn1.Type.INTEGER) return this.pkcs12(buf, asn);
    if (
      first &&
      first.type === forge.asn1.Type.OID &&
      forge.asn1.derToOid(first.value as string) === OID.pkcs7SignedData
    ) {
      this.kind('pkcs7');
      let msg: forge.pkcs7.PkcsSignedData;
      try {
        msg = forge.pkcs7.messageFromAsn1(asn) as forge.pkcs7.PkcsSignedData;
      } catch (e) {
        return this.fail(
          'NOT_A_CERTIFICATE',
          `is a PKCS#7 file that could not be read (${(e as Error).message}). Export the chain again as .p7b.`,
          undefined,
          e,
        );
      }
      for (const c of msg.certificates)
        this.certificate(forgeToBuffer(forge.asn1.toDer(forge.pki.certificateToAsn1(c))));
      return;
    }
    this.fail('NOT_A_CERTIFICATE', 'is not a certificate, PFX or PKCS#7 bundle.');
  }

  pkcs12(buf: Buffer, parsed?: forge.asn1.Asn1): void {
    this.kind('pkcs12');
    let p12: forge.pkcs12.Pkcs12Pfx;
    try {
      const asn = parsed ?? forge.asn1.fromDer(forge.util.createBuffer(buf.toString('binary')), false);
      p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, this.password ?? '');
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (/MAC could not be verified|wrong password|Invalid password/i.test(msg)) {
        if (!this.password)
          this.fail(
            'PASSWORD_REQUIRED',
            'is a password-protected PFX. Enter the password that was set when it was exported.',
          );
        this.fail(
          'WRONG_PASSWORD',
          'could not be opened with that password. Check the PFX password (it is case-sensitive) and try again.',
        );
      }
      if (/unsupported|not supported/i.test(msg)) {
        this.fail(
          'UNSUPPORTED_PFX',
          `uses a PFX protection Rekey cannot read (${msg}). Re-export it with AES-256 (OpenSSL 3 default, or Windows "AES256-SHA256"), or as separate .cer and key files.`,
          undefined,
          e,
        );
      }
      // A wrong password on a PFX without a MAC shows up as garbage after decryption.
      if (this.password !== undefined && /ASN\.1|Too few bytes|decrypt|Cannot read/i.test(msg)) {
        this.fail(
          'WRONG_PASSWORD',
          'could not be opened with that password (the decrypted contents are not readable). Check the PFX password and try again.',
          undefined,
          e,
        );
      }
      this.fail('NOT_A_CERTIFICATE', `is a PFX that could not be read (${msg}). Export it again.`, undefined, e);
    }
    const oids = forge.pki.oids;
    const certBags = p12.getBags({ bagType: oids.certBag! })[oids.certBag!] ?? [];
    for (const bag of certBags) {
      const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
      if (asn) this.certificate(forgeToBuffer(forge.asn1.toDer(asn)));
    }
    for (const bagType of [oids.pkcs8ShroudedKeyBag!, oids.keyBag!]) {
      for (const bag of p12.getBags({ bagType })[bagType] ?? []) {
        if (bag.key) {
          const pem = forge.pki.privateKeyToPem(bag.key);
          this.addKey(() => createPrivateKey(pem), false);
        } else if (bag.asn1) {
          const der = forgeToBuffer(forge.asn1.toDer(bag.asn1));
          this.addKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), false);
        }
      }
    }
  }

  addKey(make: () => KeyObject, encrypted: boolean): void {
    try {
      this.keys.push(make());
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      const msg = (e as Error).message ?? '';
      if (encrypted && (code === 'ERR_MISSING_PASSPHRASE' || !this.password)) {
        this.fail('PASSWORD_REQUIRED', 'holds an encrypted private key. Enter its password.');
      }
      if (encrypted || /bad decrypt|passphrase/i.test(msg))
        this.fail(
          'WRONG_PASSWORD',
          'holds an encrypted private key that could not be decrypted with that password. Check the password and try again.',
        );
      this.fail(
        'NOT_A_PRIVATE_KEY',
        `holds a private key that could not be read (${msg}). Export it again as PKCS#8 PEM.`,
        undefined,
        e,
      );
    }
  }
}

function forgeToBuffer(bytes: forge.util.ByteStringBuffer): Buffer {
  return Buffer.from(bytes.getBytes(), 'binary');
}

/** PEM, base64 and CSV-like text: printable ASCII plus whitespace, optionally behind a UTF-8 BOM. */
function looksLikeText(buf: Buffer): boolean {
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const end = Math.min(buf.length, start + 4096);
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

function keyFacts(key: KeyObject): ParsedPrivateKey {
  const types: Record<string, KeyType> = {
    rsa: 'RSA',
    'rsa-pss': 'RSA-PSS',
    ec: 'EC',
    ed25519: 'Ed25519',
    ed448: 'Ed448',
    dsa: 'DSA',
  };
  const d = key.asymmetricKeyDetails ?? {};
  const curveNames: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
  const out: ParsedPrivateKey = {
    pem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    type: types[key.asymmetricKeyType ?? ''] ?? 'unknown',
  };
  if (d.modulusLength) out.size = d.modulusLength;
  if (d.namedCurve) out.curve = curveNames[d.namedCurve] ?? d.namedCurve;
  return out;
}

function orderLeafFirst(certs: FoundCert[], leaf: FoundCert): FoundCert[] {
  const ordered = [leaf];
  const rest = certs.filter((c) => c !== leaf);
  let cur = leaf;
  for (;;) {
    if (cur.x509.subject === cur.x509.issuer) break;
    const next = rest.find((c) => !ordered.includes(c) && cur.x509.checkIssued(c.x509));
    if (!next) break;
    ordered.push(next);
    cur = next;
  }
  for (const c of rest) if (!ordered.includes(c)) ordered.push(c);
  return ordered;
}

/** The leaf is the certificate that issued none of the others (non-CA preferred). */
function pickLeaf(certs: FoundCert[]): FoundCert {
  const issuesNothing = certs.filter(
    (c) => !certs.some((o) => o !== c && o.x509.checkIssued(c.x509) && o.x509.subject !== c.x509.subject),
  );
  return issuesNothing.find((c) => !c.x509.ca) ?? issuesNothing[0] ?? certs[0]!;
}

function collect(input: CertificateInput, opts: ParseOptions | undefined): Collector {
  const max = opts?.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const size = typeof input.data === 'string' ? Buffer.byteLength(input.data) : input.data.length;
  const c = new Collector(input.filename, input.password);
  if (size > max) {
    c.fail(
      'TOO_LARGE',
      `is ${size} bytes; the limit is ${max} bytes. A certificate, PFX or chain is a few KB: check that you chose the right file.`,
      { bytes: size, maxBytes: max },
    );
  }
  if (typeof input.data === 'string') c.text(input.data);
  else c.buffer(input.data);
  return c;
}

/**
 * Reads whatever an admin uploaded: PEM (one or many blocks, CRLF, "Bag Attributes" preambles),
 * DER, headerless base64, UTF-16 text, PKCS#12/PFX (AES/PBKDF2, 3DES, RC2; with chain) and
 * PKCS#7 (.p7b) bundles, plus private keys (PKCS#1, PKCS#8, SEC1; encrypted or not).
 * Throws RekeyError (INVALID_CERTIFICATE, WRONG_PASSWORD, PAYLOAD_TOO_LARGE) with `details.reason`
 * and a message that names the file and says what to do. Pure: no I/O, no clock.
 */
export function parseCertificateInput(input: CertificateInput, opts?: ParseOptions): ParsedBundle {
  const c: Collector = collect(input, opts);
  if (c.certs.length === 0) {
    if (c.keys.length > 0) {
      c.fail(
        'PRIVATE_KEY_NOT_CERTIFICATE',
        'holds a private key, not a certificate. Upload the certificate (.cer, .crt or .pem with "BEGIN CERTIFICATE"), or a .pfx that contains both. Keep the private key file safe and do not send it around.',
      );
    }
    const f = c.foreign[0];
    if (f?.kind === 'csr')
      c.fail(
        'CSR_NOT_CERTIFICATE',
        'is a certificate signing request (CSR), not a certificate. Send the CSR to your CA and upload the certificate it issues.',
      );
    if (f?.kind === 'public-key')
      c.fail(
        'PUBLIC_KEY_NOT_CERTIFICATE',
        'holds a bare public key, not a certificate. Entra ID needs an X.509 certificate (.cer/.pem).',
      );
    if (f)
      c.fail(
        'NOT_A_CERTIFICATE',
        `holds a PEM block of type "${f.label}", not a certificate. Upload the certificate (.cer/.pem), a .pfx or a .p7b.`,
      );
    c.fail('NO_CERTIFICATE', 'contains no certificate. Upload the certificate (.cer/.pem), a .pfx or a .p7b.');
  }
  let leaf: FoundCert;
  let key: KeyObject | undefined;
  if (c.keys.length > 0) {
    for (const k of c.keys) {
      const match = c.certs.find((cert) => cert.x509.checkPrivateKey(k));
      if (match) {
        leaf = match;
        key = k;
        break;
      }
    }
    if (!key) {
      c.fail(
        'KEY_MISMATCH',
        'holds a private key that does not belong to any certificate in it. Export the certificate together with its own key (e.g. a .pfx from the machine that made the request).',
        {
          sha1Thumbprints: c.certs.map((x) => x.facts.sha1Thumbprint),
        },
      );
    }
  } else {
    leaf = pickLeaf(c.certs);
  }
  const ordered = orderLeafFirst(c.certs, leaf!).map((x) => x.facts);
  const bundle: ParsedBundle = { kinds: c.kinds, certificates: ordered, leaf: ordered[0]!, chain: ordered.slice(1) };
  if (key) bundle.privateKey = keyFacts(key);
  return bundle;
}

/**
 * Reads a private key on its own (the pending key of a CSR): PEM or DER, PKCS#1/PKCS#8/SEC1,
 * encrypted or not, or the key inside a PFX. Certificates in the same input are ignored.
 */
export function parsePrivateKeyInput(input: CertificateInput, opts?: ParseOptions): ParsedPrivateKey {
  const c: Collector = collect(input, opts);
  const key = c.keys[0];
  if (!key) {
    c.fail(
      'NOT_A_PRIVATE_KEY',
      'holds no private key. Choose the key file (".key" / "BEGIN PRIVATE KEY") that was created with the CSR.',
    );
  }
  return keyFacts(key);
}
