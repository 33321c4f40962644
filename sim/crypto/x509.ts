// X.509 helpers: parse certificates with node:crypto, build them with node-forge (node has no cert builder).
import crypto, { type KeyObject } from 'node:crypto';
import forge from 'node-forge';

export interface CertInfo {
  der: Buffer;
  /** SHA-1 thumbprint, uppercase hex (the form AADSTS messages and Graph use). */
  sha1Hex: string;
  /** SHA-256 thumbprint, uppercase hex. */
  sha256Hex: string;
  notBefore: Date;
  notAfter: Date;
  subject: string;
  publicKey: KeyObject;
}

const infoCache = new Map<string, CertInfo>();

/** Parses a DER certificate. Results are cached by content, since fleets share a handful of certificates. */
export function certInfoFromDer(der: Buffer): CertInfo {
  const cacheKey = crypto.createHash('sha256').update(der).digest('hex');
  const cached = infoCache.get(cacheKey);
  if (cached) return cached;
  const cert = new crypto.X509Certificate(der);
  const info: CertInfo = {
    der,
    sha1Hex: crypto.createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256Hex: cacheKey.toUpperCase(),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    subject: cert.subject.replace(/\n/g, ', '),
    publicKey: cert.publicKey,
  };
  if (infoCache.size > 10_000) infoCache.clear();
  infoCache.set(cacheKey, info);
  return info;
}

/** Returns info or null when `der` is not a parseable certificate. */
export function tryCertInfo(der: Buffer): CertInfo | null {
  try {
    return certInfoFromDer(der);
  } catch {
    return null;
  }
}

export function pemToDer(pem: string): Buffer {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}

export function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export interface KeyPairPem {
  privateKeyPem: string; // PKCS#8
  publicKeyPem: string; // SPKI
}

/** RSA key pair via node:crypto (OpenSSL), much faster than forge's pure-JS keygen. */
export function generateRsaKeyPair(bits = 2048): KeyPairPem {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface BuildCertOptions {
  subjectCn: string;
  subjectO?: string;
  keyPair: KeyPairPem;
  notBefore: Date;
  notAfter: Date;
  /** Issuer; omitted = self-signed. */
  issuer?: { certPem: string; privateKeyPem: string };
  isCa?: boolean;
  /** DNS names / IPs for a server certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
  serialHex?: string;
}

/** Builds a certificate and returns it as PEM. */
export function buildCertificate(opts: BuildCertOptions): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(opts.keyPair.publicKeyPem);
  cert.serialNumber = opts.serialHex ?? `01${crypto.randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = opts.notBefore;
  cert.validity.notAfter = opts.notAfter;
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: opts.subjectCn }];
  if (opts.subjectO) subject.push({ name: 'organizationName', value: opts.subjectO });
  cert.setSubject(subject);
  let signingKeyPem = opts.keyPair.privateKeyPem;
  if (opts.issuer) {
    const issuerCert = forge.pki.certificateFromPem(opts.issuer.certPem);
    cert.setIssuer(issuerCert.subject.attributes);
    signingKeyPem = opts.issuer.privateKeyPem;
  } else {
    cert.setIssuer(subject);
  }
  const extensions: Record<string, unknown>[] = [];
  if (opts.isCa) {
    extensions.push({ name: 'basicConstraints', cA: true, critical: true });
    extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
    extensions.push({ name: 'subjectKeyIdentifier' });
  } else {
    extensions.push({ name: 'basicConstraints', cA: false });
    extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
  }
  const altNames = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(opts.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) {
    extensions.push({ name: 'extKeyUsage', serverAuth: true, clientAuth: true });
    extensions.push({ name: 'subjectAltName', altNames });
  }
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(signingKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** Convenience: new key pair + self-signed leaf certificate (what a vendor uploads to an app registration). */
export function createSelfSignedCertificate(opts: {
  subjectCn: string;
  notBefore: Date;
  notAfter: Date;
  bits?: number;
}): { certPem: string; privateKeyPem: string; der: Buffer; info: CertInfo } {
  const keyPair = generateRsaKeyPair(opts.bits ?? 2048);
  const certPem = buildCertificate({
    subjectCn: opts.subjectCn,
    keyPair,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
  });
  const der = pemToDer(certPem);
  return { certPem, privateKeyPem: keyPair.privateKeyPem, der, info: certInfoFromDer(der) };
}
