/**
 * Parse + classify 10,000 certificates with Rekey vs node:crypto's native X509Certificate alone on
 * the same DER inputs; prints both times and the ratio measured in one run (target: ≤ 2×).
 * `tsx bench/certificates.ts`, or import { run } from a runner.
 */
import { X509Certificate, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseCertificateInput } from '@/lib/certs/parse-certificate-input';
import { randomSerialHex, signCertificate } from '@/lib/certs/sign-certificate';
import { classifyConnector, type StatusPolicyInput } from '@/lib/status/classify-connector';
import { writeJsonResult } from './lib/bench-db';

export interface CertificatesBenchResult {
  name: 'certificates';
  count: number;
  poolSize: number;
  rekeyMs: number;
  nativeMs: number;
  /** rekeyMs / nativeMs */
  ratio: number;
  target: number;
  withinTarget: boolean;
}

function pool(): Buffer[] {
  const specs: { type: 'rsa' | 'ec'; bits?: number; curve?: string; days: number }[] = [
    { type: 'rsa', bits: 2048, days: 365 },
    { type: 'rsa', bits: 2048, days: 20 },
    { type: 'rsa', bits: 3072, days: 730 },
    { type: 'rsa', bits: 4096, days: 90 },
    { type: 'ec', curve: 'P-256', days: 365 },
  ];
  const start = new Date('2026-01-01T00:00:00Z');
  return specs.map((s, i) => {
    const { privateKey } =
      s.type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: s.bits! })
        : generateKeyPairSync('ec', { namedCurve: s.curve! });
    return signCertificate({
      subject: `CN=bench-${i}, O=Rekey Bench`,
      serialNumberHex: randomSerialHex(randomBytes),
      notBefore: start,
      notAfter: new Date(start.getTime() + s.days * 86_400_000),
      publicKey: createPublicKey(privateKey),
      signingKey: privateKey,
      dnsNames: [`bench-${i}.example`],
    });
  });
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function run(count = 10_000): CertificatesBenchResult {
  const inputs = pool();
  const now = new Date('2026-06-01T00:00:00Z');
  const policy: StatusPolicyInput = { expiringWithinDays: 30, maxAgeDays: 365 };
  let sink = 0;
  const native = () => {
    for (let i = 0; i < count; i++) {
      const x = new X509Certificate(inputs[i % inputs.length]!);
      sink += x.serialNumber.length;
    }
  };
  const rekey = () => {
    for (let i = 0; i < count; i++) {
      const { leaf } = parseCertificateInput({ data: inputs[i % inputs.length]! });
      const c = classifyConnector(
        { certificate: leaf, advisories: [], tenantCredentials: [{ sha1Thumbprint: leaf.sha1Thumbprint }] },
        policy,
        now,
      );
      sink += c.reasons.length;
    }
  };
  // Warm up both paths (JIT, OpenSSL caches), then measure alternately and keep the best of five
  // (the best run is the one least disturbed by other load on the machine).
  native();
  rekey();
  let nativeMs = Infinity;
  let rekeyMs = Infinity;
  for (let r = 0; r < 5; r++) {
    nativeMs = Math.min(nativeMs, time(native));
    rekeyMs = Math.min(rekeyMs, time(rekey));
  }
  if (sink === 0) throw new Error('unreachable');
  const ratio = rekeyMs / nativeMs;
  return {
    name: 'certificates',
    count,
    poolSize: inputs.length,
    rekeyMs: Math.round(rekeyMs),
    nativeMs: Math.round(nativeMs),
    ratio: Math.round(ratio * 100) / 100,
    target: 2,
    withinTarget: ratio <= 2,
  };
}

export function format(r: CertificatesBenchResult): string {
  return `certificates: parse+classify ${r.count} (pool of ${r.poolSize} DER certs)\n  rekey   ${r.rekeyMs} ms\n  native  ${r.nativeMs} ms (X509Certificate alone)\n  ratio   ${r.ratio}× (target ≤ ${r.target}×) ${r.withinTarget ? 'OK' : 'OVER TARGET'}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = run();
  writeJsonResult(r);
  process.stdout.write(`${format(r)}\n`);
}
