// The simulator's own CA and HTTPS server certificate, created once per data dir.
// Clients trust `<dataDir>/ca.pem` (NODE_EXTRA_CA_CERTS).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildCertificate, generateRsaKeyPair, pemToDer } from './x509';

export interface SimTlsMaterial {
  caPem: string;
  caPemPath: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const DAY_MS = 86_400_000;

function writePrivate(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/**
 * Loads or creates the CA (`ca.pem`, `ca-key.pem`) and a server certificate (`server.pem`, `server-key.pem`)
 * covering localhost, 127.0.0.1, ::1 and `extraHosts`. The CA is kept across runs so clients keep trusting it;
 * the server certificate is reissued when its host list changes or it is near expiry.
 */
export function ensureTlsMaterial(dataDir: string, extraHosts: string[] = []): SimTlsMaterial {
  fs.mkdirSync(dataDir, { recursive: true });
  const caPemPath = path.join(dataDir, 'ca.pem');
  const caKeyPath = path.join(dataDir, 'ca-key.pem');
  const serverPemPath = path.join(dataDir, 'server.pem');
  const serverKeyPath = path.join(dataDir, 'server-key.pem');
  const hostsPath = path.join(dataDir, 'server-hosts.json');
  const now = Date.now();

  let caPem: string;
  let caKeyPem: string;
  if (fs.existsSync(caPemPath) && fs.existsSync(caKeyPath)) {
    caPem = fs.readFileSync(caPemPath, 'utf8');
    caKeyPem = fs.readFileSync(caKeyPath, 'utf8');
  } else {
    const keyPair = generateRsaKeyPair(2048);
    caPem = buildCertificate({
      subjectCn: 'Rekey Microsoft 365 Simulator CA',
      subjectO: 'Rekey sim',
      keyPair,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 3650 * DAY_MS),
      isCa: true,
    });
    caKeyPem = keyPair.privateKeyPem;
    // Write the key first and the cert last, via rename, so a concurrent reader never sees a half pair.
    writePrivate(caKeyPath, caKeyPem);
    const tmp = `${caPemPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, caPem);
    fs.renameSync(tmp, caPemPath);
  }

  const hosts = [...new Set(['localhost', ...extraHosts.map((h) => h.replace(/:\d+$/, '').toLowerCase())])].sort();
  const hostsKey = JSON.stringify(hosts);
  let reuse = false;
  if (fs.existsSync(serverPemPath) && fs.existsSync(serverKeyPath) && fs.existsSync(hostsPath)) {
    try {
      const cert = new crypto.X509Certificate(pemToDer(fs.readFileSync(serverPemPath, 'utf8')));
      const ca = new crypto.X509Certificate(pemToDer(caPem));
      reuse =
        fs.readFileSync(hostsPath, 'utf8') === hostsKey &&
        new Date(cert.validTo).getTime() - now > 30 * DAY_MS &&
        cert.checkIssued(ca) &&
        cert.verify(ca.publicKey);
    } catch {
      reuse = false;
    }
  }
  if (!reuse) {
    const keyPair = generateRsaKeyPair(2048);
    const serverCertPem = buildCertificate({
      subjectCn: 'localhost',
      keyPair,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 397 * DAY_MS),
      issuer: { certPem: caPem, privateKeyPem: caKeyPem },
      dnsNames: hosts,
      ipAddresses: ['127.0.0.1', '::1'],
    });
    writePrivate(serverKeyPath, keyPair.privateKeyPem);
    fs.writeFileSync(serverPemPath, serverCertPem);
    fs.writeFileSync(hostsPath, hostsKey);
  }
  return {
    caPem,
    caPemPath,
    serverCertPem: fs.readFileSync(serverPemPath, 'utf8'),
    serverKeyPem: fs.readFileSync(serverKeyPath, 'utf8'),
  };
}
