/**
 * Certificates made by OpenSSL for the e2e specs, in a temporary directory of the spec's own:
 * a key and self-signed certificate as an admin makes one (`openssl req -x509`, which marks it
 * CA:TRUE), thumbprints as OpenSSL computes them, and a test CA that signs a CSR as a vendor's CA
 * would. Each spec removes its directory in afterAll.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Made {
  cert: string;
  key: string;
  subject: string;
  sha1: string;
  sha256: string;
}

export class OpenSsl {
  readonly dir: string;

  constructor(prefix: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `rekey-${prefix}-`));
  }

  run(...args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Stdout and stderr together (`pkcs12 -info` prints its facts on stderr). */
  runAll(...args: string[]): string {
    const r = spawnSync('openssl', args, { cwd: this.dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  /** A certificate's thumbprint as OpenSSL prints it, upper-case hex without colons. */
  fingerprint(cert: string, alg: 'sha1' | 'sha256', inform: 'PEM' | 'DER' = 'PEM'): string {
    return this.run('x509', '-in', cert, '-inform', inform, '-noout', '-fingerprint', `-${alg}`)
      .trim()
      .replace(/^.*=/, '')
      .replace(/:/g, '')
      .toUpperCase();
  }

  /** A fresh RSA 2048 key and self-signed certificate with a unique subject `${label} ${name} <random>`. */
  makeCertificate(label: string, name: string): Made {
    const subject = `${label} ${name} ${randomBytes(4).toString('hex')}`;
    const cert = this.path(`${name}.crt.pem`);
    const key = this.path(`${name}.key.pem`);
    this.run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '365',
      '-subj',
      `/CN=${subject}`,
    );
    return { cert, key, subject, sha1: this.fingerprint(cert, 'sha1'), sha256: this.fingerprint(cert, 'sha256') };
  }

  /** Signs `csrFile` with a throwaway test CA (made on first use), as the vendor's CA would; returns the PEM's path. */
  signCsr(csrFile: string, out: string, days = 200): string {
    const caKey = this.path('test-ca.key.pem');
    const caCert = this.path('test-ca.crt.pem');
    if (!fs.existsSync(caCert))
      this.run(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        caKey,
        '-out',
        caCert,
        '-days',
        '400',
        '-subj',
        '/CN=Rekey e2e test CA',
      );
    this.run(
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      caCert,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      out,
      '-days',
      String(days),
    );
    return out;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
