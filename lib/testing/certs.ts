/**
 * Test builders for certificates, keys, PFX and PKCS#7 bundles. Everything is made at test time
 * (so fixtures never expire and no private key is ever committed). Key pairs are cached per
 * (type, size, slot) to keep suites fast; ask for another `slot` when a test needs a distinct key.
 */
import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { derToPem } from '@/lib/certs/certificate-facts';
import { randomSerialHex, signCertificate, subjectNameDer, type SignatureHash } from '@/lib/certs/sign-certificate';

const keyCache = new Map<string, KeyObject>();

export function testKey(
  opts: { keyType?: 'RSA' | 'EC'; bits?: number; curve?: string; slot?: number } = {},
): KeyObject {
  const keyType = opts.keyType ?? 'RSA';
  const id = `${keyType}:${keyType === 'RSA' ? (opts.bits ?? 2048) : (opts.curve ?? 'P-256')}:${opts.slot ?? 0}`;
  let key = keyCache.get(id);
  if (!key) {
    key =
      keyType === 'RSA'
        ? generateKeyPairSync('rsa', { modulusLength: opts.bits ?? 2048 }).privateKey
        : generateKeyPairSync('ec', { namedCurve: opts.curve ?? 'P-256' }).privateKey;
    keyCache.set(id, key);
  }
  return key;
}

export function testKeyPem(opts: Parameters<typeof testKey>[0] = {}): string {
  return testKey(opts).export({ type: 'pkcs8', format: 'pem' }) as string;
}

export interface BuiltCert {
  pem: string;
  der: Buffer;
  /** PKCS#8 PEM. */
  keyPem: string;
  key: KeyObject;
}

export interface BuildCertOptions {
  subject?: string;
  notBefore?: Date;
  notAfter?: Date;
  bits?: number;
  keyType?: 'RSA' | 'EC';
  curve?: string;
  /** Distinct cached key (default 0). */
  slot?: number;
  signatureAlgorithm?: SignatureHash;
  issuer?: { certPem: string; keyPem: string };
  isCA?: boolean;
  dnsNames?: string[];
  serialNumberHex?: string;
}

const DEFAULT_NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
const DEFAULT_NOT_AFTER = new Date('2027-01-01T00:00:00Z');

/** A certificate signed by `issuer` (or self-signed). Defaults: RSA 2048, SHA-256, 2026-01-01 → 2027-01-01. */
export function buildCert(opts: BuildCertOptions = {}): BuiltCert {
  const key = testKey({
    keyType: opts.keyType ?? 'RSA',
    ...(opts.bits ? { bits: opts.bits } : {}),
    ...(opts.curve ? { curve: opts.curve } : {}),
    ...(opts.slot !== undefined ? { slot: opts.slot } : {}),
  });
  const signingKey = opts.issuer ? createPrivateKey(opts.issuer.keyPem) : key;
  const der = signCertificate({
    subject: opts.subject ?? 'CN=test-connector, O=Rekey Tests',
    ...(opts.issuer
      ? { issuerNameDer: subjectNameDer(Buffer.from(new X509Certificate(opts.issuer.certPem).raw)) }
      : {}),
    serialNumberHex: opts.serialNumberHex ?? randomSerialHex(randomBytes),
    notBefore: opts.notBefore ?? DEFAULT_NOT_BEFORE,
    notAfter: opts.notAfter ?? DEFAULT_NOT_AFTER,
    publicKey: createPublicKey(key),
    signingKey,
    hash: opts.signatureAlgorithm ?? 'sha256',
    ...(opts.isCA ? { isCA: true } : {}),
    ...(opts.dnsNames ? { dnsNames: opts.dnsNames } : {}),
  });
  return { pem: derToPem(der), der, keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string, key };
}

/** Root CA → intermediate → leaf, each with its own key. */
export function buildChain(opts: { leaf?: BuildCertOptions } = {}): {
  root: BuiltCert;
  intermediate: BuiltCert;
  leaf: BuiltCert;
} {
  const root = buildCert({
    subject: 'CN=Rekey Test Root CA, O=Rekey Tests',
    isCA: true,
    slot: 101,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2035-01-01T00:00:00Z'),
  });
  const intermediate = buildCert({
    subject: 'CN=Rekey Test Issuing CA, O=Rekey Tests',
    isCA: true,
    slot: 102,
    issuer: { certPem: root.pem, keyPem: root.keyPem },
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
  });
  const leaf = buildCert({
    subject: 'CN=vendor-connector, O=Vendor',
    slot: 103,
    ...opts.leaf,
    issuer: { certPem: intermediate.pem, keyPem: intermediate.keyPem },
  });
  return { root, intermediate, leaf };
}

/** PKCS#12 through node-forge: 'aes256' (modern) or '3des' (legacy Windows). RSA keys only. */
export function buildPfx(opts: {
  cert: BuiltCert;
  chain?: BuiltCert[];
  password: string;
  algorithm?: 'aes256' | '3des';
  withKey?: boolean;
}): Buffer {
  const key = opts.withKey === false ? null : forge.pki.privateKeyFromPem(opts.cert.keyPem);
  const certs = [opts.cert, ...(opts.chain ?? [])].map((c) => forge.pki.certificateFromPem(c.pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, opts.password, {
    algorithm: opts.algorithm ?? 'aes256',
    generateLocalKeyId: true,
    friendlyName: 'rekey-test',
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** A degenerate PKCS#7 SignedData ("certs-only" .p7b), DER, with the certificates' exact bytes. */
export function buildP7b(certs: BuiltCert[]): Buffer {
  const { asn1 } = forge;
  const U = asn1.Class.UNIVERSAL;
  const oid = (o: string) => asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
  const signedData = asn1.create(U, asn1.Type.SEQUENCE, true, [
    asn1.create(U, asn1.Type.INTEGER, false, '\u0001'),
    asn1.create(U, asn1.Type.SET, true, []),
    asn1.create(U, asn1.Type.SEQUENCE, true, [oid('1.2.840.113549.1.7.1')]),
    asn1.create(
      asn1.Class.CONTEXT_SPECIFIC,
      0,
      true,
      certs.map((c) => asn1.fromDer(forge.util.createBuffer(c.der.toString('binary')))),
    ),
    asn1.create(U, asn1.Type.SET, true, []),
  ]);
  const contentInfo = asn1.create(U, asn1.Type.SEQUENCE, true, [
    oid('1.2.840.113549.1.7.2'),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData]),
  ]);
  return Buffer.from(asn1.toDer(contentInfo).getBytes(), 'binary');
}

/** Runs the real OpenSSL CLI in tests (known-answer checks, real-world PFX files) in a temp dir. */
export interface OpenSslDir {
  path(name: string): string;
  write(name: string, data: string | Buffer): string;
  read(name: string): Buffer;
  run(args: string[]): string;
  cleanup(): void;
}

export function openSslDir(): OpenSslDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'rekey-openssl-'));
  return {
    path: (name) => path.join(dir, name),
    write: (name, data) => {
      const p = path.join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    read: (name) => readFileSync(path.join(dir, name)),
    run: (args) => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
