import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand, type Command } from '@/cli/command';
import { certCommands } from '@/cli/commands/cert';
import { buildCert, buildPfx } from '@/lib/testing/certs';

const dir = mkdtempSync(path.join(tmpdir(), 'rekey-cli-cert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cmd = (name: string) => certCommands.find((c) => c.path[1] === name) as Command;

async function run(name: string, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(cmd(name), argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rekey cert inspect', () => {
  const now = Date.now();
  const good = buildCert({ notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 300 * 86_400_000) });

  it('prints the facts as JSON', async () => {
    const file = path.join(dir, 'good.cer');
    writeFileSync(file, good.der);
    const r = await run('inspect', [file, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as Record<string, unknown>;
    expect(json).toMatchObject({ ok: true, keyType: 'RSA', keySize: 2048, kinds: ['der', 'certificate'] });
    expect(json.sha1Thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(json.sha256Thumbprint).toMatch(/^[0-9A-F]{64}$/);
    expect(json.notAfter).toBe(new Date(Math.floor((now + 300 * 86_400_000) / 1000) * 1000).toISOString());
    expect(r.out).not.toContain('PRIVATE KEY');
  });

  it('reads a PFX with the password from REKEY_PFX_PASSWORD', async () => {
    const file = path.join(dir, 'good.pfx');
    writeFileSync(file, buildPfx({ cert: good, password: 'env-password' }));
    process.env.REKEY_PFX_PASSWORD = 'env-password';
    try {
      const r = await run('inspect', [file, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ privateKey: { type: 'RSA', size: 2048 } });
      expect(r.out).not.toContain('PRIVATE KEY');
    } finally {
      delete process.env.REKEY_PFX_PASSWORD;
    }
  });

  it.each([
    [
      'a wrong PFX password',
      () => {
        const f = path.join(dir, 'w.pfx');
        writeFileSync(f, buildPfx({ cert: good, password: 'right-one' }));
        return [f, '--password', 'wrong-one'];
      },
      /could not be opened with that password/,
    ],
    [
      'a private key',
      () => {
        const f = path.join(dir, 'k.pem');
        writeFileSync(f, good.keyPem);
        return [f];
      },
      /holds a private key, not a certificate/,
    ],
    [
      'an expired certificate',
      () => {
        const f = path.join(dir, 'old.pem');
        writeFileSync(f, buildCert({ notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }).pem);
        return [f];
      },
      /the certificate expired on 2021-01-01/,
    ],
    ['a missing file', () => [path.join(dir, 'nope.cer')], /no such file/],
  ])('fails with exit 1 and the reason for %s', async (_name, args, message) => {
    const r = await run('inspect', args());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });
});

describe('rekey cert generate / import-issued', () => {
  it('writes a key (0600), a certificate and a PFX', async () => {
    const out = path.join(dir, 'gen');
    const r = await run('generate', [
      '--subject',
      'CN=Contoso Connector, O=Contoso',
      '--days',
      '90',
      '--out',
      out,
      '--pfx-password',
      'longenough',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { files: Record<string, string>; keySize: number };
    expect(json.keySize).toBe(2048);
    expect(statSync(json.files.key!).mode & 0o777).toBe(0o600);
    expect(readFileSync(json.files.cert!, 'utf8')).toContain('BEGIN CERTIFICATE');
    const again = await run('generate', ['--subject', 'CN=Contoso Connector', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
  });

  it('refuses a bad key size as usage', async () => {
    const r = await run('generate', ['--subject', 'CN=x', '--key-size', '1024']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/choose 2048, 3072 or 4096/);
  });

  it('writes a CSR and matches the issued certificate to its key', async () => {
    const out = path.join(dir, 'csr');
    const r = await run('generate', ['--subject', 'CN=csr-test', '--csr', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const { files } = JSON.parse(r.out) as { files: { key: string; csr: string } };
    expect(readFileSync(files.csr, 'utf8')).toContain('BEGIN CERTIFICATE REQUEST');
    // Stand-in CA: a self-signed certificate over the same key is "issued" for it.
    const issued = path.join(out, 'issued.pem');
    const { createSelfSignedCertificate } = await import('@/lib/certs/create-self-signed-certificate');
    writeFileSync(
      issued,
      (
        await createSelfSignedCertificate({
          subject: 'CN=csr-test',
          days: 30,
          keyPem: readFileSync(files.key, 'utf8'),
          now: new Date(),
        })
      ).certPem,
    );
    const ok = await run('import-issued', ['--csr-key', files.key, '--cert', issued, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ matched: true, subject: 'CN=csr-test' });
    const other = path.join(out, 'other.pem');
    writeFileSync(other, buildCert({ slot: 31 }).pem);
    const bad = await run('import-issued', ['--csr-key', files.key, '--cert', other]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/was issued for a different key/);
  });
});
