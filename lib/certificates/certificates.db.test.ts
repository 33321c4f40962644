import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import {
  completeCertificateRequest,
  createCertificateRequest,
  generateCertificate,
  GenerateCertificateSchema,
} from '@/lib/certificates/generate-certificate';
import {
  CertificateUploadSchema,
  importCertificate,
  inspectCertificate,
  MAX_CERTIFICATE_UPLOAD_BYTES,
} from '@/lib/certificates/import-certificate';
import { getCertificate, listCertificates } from '@/lib/certificates/list-certificates';
import { db } from '@/lib/db';
import { buildCert, buildPfx } from '@/lib/testing/certs';
import { openForCertificate } from '@/lib/vault/key-ring';

const now = new Date('2026-06-01T00:00:00Z');
const actor = { id: null, label: 'tester' };
const file = (data: Buffer | string, name: string) =>
  new File([typeof data === 'string' ? Buffer.from(data) : new Uint8Array(data)], name);
const count = () => db.certificate.count();
const audits = () => db.auditEvent.count();

describe('importing certificates', () => {
  it('shows the facts and every check before saving, and saves nothing on inspect', async () => {
    const cert = buildCert({ subject: 'CN=Inspect Me', slot: 11 });
    const before = await count();
    const r = await inspectCertificate(db, { file: file(cert.pem, 'vendor.cer') }, now);
    expect(r).toMatchObject({ filename: 'vendor.cer', hasPrivateKey: false, existing: null, validation: { ok: true } });
    expect(r.leaf.subject).toBe('CN=Inspect Me');
    expect(await count()).toBe(before);
  });

  it('stores a PFX with its private key sealed, readable only through the vault', async () => {
    const cert = buildCert({ subject: 'CN=With Key', slot: 12 });
    const pfx = buildPfx({ cert, password: 'correct horse', algorithm: 'aes256' });
    const { id, created } = await importCertificate(
      db,
      actor,
      { file: file(pfx, 'vendor.pfx'), password: 'correct horse', region: 'EU' },
      now,
    );
    expect(created).toBe(true);
    const row = await db.certificate.findUniqueOrThrow({
      where: { id },
      select: { sealedPrivateKey: true, sha256Thumbprint: true, region: true, source: true },
    });
    expect(row).toMatchObject({ region: 'EU', source: 'uploaded' });
    expect(row.sealedPrivateKey).toMatch(/^rkv1\./);
    expect(row.sealedPrivateKey).not.toContain('PRIVATE KEY');
    expect(openForCertificate(row.sealedPrivateKey!, row.sha256Thumbprint)).toBe(cert.keyPem);
    expect(await db.auditEvent.findFirst({ where: { action: 'certificate.import', targetId: id } })).not.toBeNull();
    // The detail view says a key exists but never carries it.
    const detail = await getCertificate(db, id);
    expect(detail).toMatchObject({ hasPrivateKey: true });
    expect(JSON.stringify(detail)).not.toContain('rkv1.');
  });

  it.each([
    [
      'a wrong PFX password',
      () => ({
        file: file(buildPfx({ cert: buildCert({ slot: 13 }), password: 'right-password' }), 'x.pfx'),
        password: 'wrong-password',
      }),
      /password/i,
    ],
    [
      'an expired certificate',
      () => ({
        file: file(
          buildCert({ slot: 14, notBefore: new Date('2024-01-01'), notAfter: new Date('2025-01-01') }).pem,
          'old.cer',
        ),
      }),
      /expired/i,
    ],
    ['a 1024-bit key', () => ({ file: file(buildCert({ slot: 15, bits: 1024 }).pem, 'weak.cer') }), /2048/],
    [
      'a private key instead of a certificate',
      () => ({ file: file(buildCert({ slot: 16 }).keyPem, 'key.pem') }),
      /private key/i,
    ],
    ['garbage', () => ({ file: file('hello, this is not a certificate', 'notes.txt') }), /notes\.txt/],
  ])('refuses %s, names the problem and stores nothing', async (_n, input, message) => {
    const [c, a] = [await count(), await audits()];
    await expect(importCertificate(db, actor, input(), now)).rejects.toThrow(message);
    expect([await count(), await audits()]).toEqual([c, a]);
  });

  it('refuses a file over the shared 1 MiB limit naming its size, and accepts one at the limit', () => {
    const over = CertificateUploadSchema.safeParse({ file: file(Buffer.alloc(8 * 1024 * 1024, 0x41), 'big.pfx') });
    expect(over.success).toBe(false);
    expect(over.error!.issues[0]).toMatchObject({
      path: ['file'],
      message: '"big.pfx": the file is 8 MiB; the limit is 1 MiB.',
    });
    expect(MAX_CERTIFICATE_UPLOAD_BYTES).toBe(1024 * 1024);
    expect(CertificateUploadSchema.safeParse({ file: file(Buffer.alloc(1024 * 1024, 0x41), 'ok.pem') }).success).toBe(
      true,
    );
  });

  it('names the field to fix: a wrong PFX password is the password field, unreadable bytes the file field', async () => {
    const cert = buildCert({ subject: 'CN=Fields', slot: 14 });
    const pfx = buildPfx({ cert, password: 'right', algorithm: 'aes256' });
    await expect(inspectCertificate(db, { file: file(pfx, 'v.pfx'), password: 'wrong' }, now)).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
      details: { fieldErrors: { password: [expect.stringContaining('v.pfx')] } },
    });
    await expect(inspectCertificate(db, { file: file('not a certificate', 'notes.txt') }, now)).rejects.toMatchObject({
      code: 'INVALID_CERTIFICATE',
      details: { fieldErrors: { file: [expect.stringContaining('notes.txt')] } },
    });
  });

  it('refuses control characters in the label, region and subject; nothing is written', async () => {
    for (const bad of [{ label: 'Litware\u0000 2027' }, { region: 'EU\nUS' }]) {
      const r = CertificateUploadSchema.safeParse({ file: file('x', 'v.cer'), ...bad });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(Object.keys(bad));
      expect(r.error!.issues[0]!.message).toMatch(/^This contains (a NUL character|a line break)/);
    }
    expect(GenerateCertificateSchema.safeParse({ subject: 'CN=Litware\u0000Evil' }).success).toBe(false);
    const before = await count();
    const cert = buildCert({ subject: 'CN=Litware\u0000.evil.example', slot: 15 });
    await expect(importCertificate(db, actor, { file: file(cert.pem, 'nul.cer') }, now)).rejects.toMatchObject({
      code: 'INVALID_CERTIFICATE',
      details: { fieldErrors: { file: [expect.stringMatching(/subject contains a NUL character/)] } },
    });
    expect(await count()).toBe(before);
  });

  it('refuses a duplicate, but attaches a private key to a certificate known without one', async () => {
    const cert = buildCert({ subject: 'CN=Twice', slot: 17 });
    const first = await importCertificate(db, actor, { file: file(cert.pem, 'a.cer') }, now);
    await expect(importCertificate(db, actor, { file: file(cert.pem, 'a.cer') }, now)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const withKey = await importCertificate(
      db,
      actor,
      { file: file(buildPfx({ cert, password: 'pw-123456' }), 'a.pfx'), password: 'pw-123456' },
      now,
    );
    expect(withKey).toEqual({ id: first.id, created: false });
    expect((await getCertificate(db, first.id))?.hasPrivateKey).toBe(true);
  });
});

describe('generating certificates', () => {
  it('generates a self-signed certificate whose sealed key matches it', async () => {
    const { id } = await generateCertificate(
      db,
      SYSTEM_ACTOR,
      { subject: 'CN=Litware Connect 2027, O=Litware', days: 365, keySize: 2048 },
      now,
    );
    const row = await db.certificate.findUniqueOrThrow({
      where: { id },
      select: { subject: true, notAfter: true, sealedPrivateKey: true, sha256Thumbprint: true, source: true },
    });
    expect(row.subject).toContain('CN=Litware Connect 2027');
    expect(row.source).toBe('generated');
    expect(row.notAfter.getTime() - now.getTime()).toBeGreaterThanOrEqual(364 * 86_400_000);
    expect(openForCertificate(row.sealedPrivateKey!, row.sha256Thumbprint)).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('creates a CSR, then imports only the certificate issued for its key', async () => {
    const { id, csrPem } = await createCertificateRequest(db, actor, { subject: 'CN=From CSR', keySize: 2048 });
    expect(csrPem).toMatch(/BEGIN CERTIFICATE REQUEST/);
    const stranger = buildCert({ slot: 18 });
    await expect(
      completeCertificateRequest(db, actor, { requestId: id, file: file(stranger.pem, 'wrong.cer') }, now),
    ).rejects.toThrow();
    // Sign the CSR's public key with a test CA key, as the vendor's CA would.
    const { createPublicKey, X509Certificate } = await import('node:crypto');
    const { openSealedKey } = await import('@/lib/vault/sealed-key');
    const { currentKeyRing } = await import('@/lib/vault/key-ring');
    const { signCertificate } = await import('@/lib/certs/sign-certificate');
    const req = await db.certificateRequest.findUniqueOrThrow({
      where: { id },
      select: { sealedPrivateKey: true, publicKeySha256: true },
    });
    const keyPem = openSealedKey(req.sealedPrivateKey, req.publicKeySha256, currentKeyRing());
    const ca = buildCert({ subject: 'CN=Vendor CA', slot: 19, isCA: true });
    const issuedDer = signCertificate({
      subject: 'CN=From CSR',
      publicKey: createPublicKey(keyPem),
      signingKey: ca.key,
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2027-01-01'),
    });
    const issuedPem = new X509Certificate(issuedDer).toString();
    const done = await completeCertificateRequest(
      db,
      actor,
      { requestId: id, file: file(issuedPem, 'issued.cer') },
      now,
    );
    expect((await getCertificate(db, done.id))?.hasPrivateKey).toBe(true);
    await expect(
      completeCertificateRequest(db, actor, { requestId: id, file: file(issuedPem, 'issued.cer') }, now),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('the inventory list', () => {
  it('flags certificates listed in an advisory and counts their connectors', async () => {
    const cert = buildCert({ subject: 'CN=Listed Compromised', slot: 20 });
    const { id } = await importCertificate(db, actor, { file: file(cert.pem, 'c.cer') }, now);
    const row = await db.certificate.findUniqueOrThrow({ where: { id } });
    await db.advisory.create({
      data: {
        title: 'Stolen',
        severity: 'critical',
        publishedAt: now,
        indicators: { create: [{ kind: 'sha1', value: row.sha1Thumbprint }] },
      },
    });
    const list = await listCertificates(db, { q: 'Listed Compromised' });
    expect(list.rows).toMatchObject([{ id, compromised: true, connectors: 0, hasPrivateKey: false }]);
    expect(JSON.stringify(list)).not.toContain('rkv1.');
  });
});

describe('exporting a PFX (CLI only)', () => {
  it('exports a held key as an AES-256 PFX that parses back to the same certificate and key, and audits it', async () => {
    const { exportCertificatePfx } = await import('@/lib/certificates/export-certificate-pfx');
    const { parseCertificateInput } = await import('@/lib/certs/parse-certificate-input');
    const { id } = await generateCertificate(db, actor, { subject: 'CN=Export Me', days: 30, keySize: 2048 }, now);
    const row = await db.certificate.findUniqueOrThrow({ where: { id }, select: { sha1Thumbprint: true } });
    const { pfx } = await exportCertificatePfx(db, actor, {
      certificate: row.sha1Thumbprint,
      password: 'long enough password',
    });
    const back = parseCertificateInput({ data: pfx, filename: 'x.pfx', password: 'long enough password' });
    expect(back.leaf.sha1Thumbprint).toBe(row.sha1Thumbprint);
    expect(back.privateKey).toBeDefined();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'certificate.export_pfx', targetId: id } });
    expect(JSON.stringify({ ...audit, seq: String(audit.seq) })).not.toContain('long enough password');
  });

  it('refuses a certificate whose key Rekey does not hold', async () => {
    const { exportCertificatePfx } = await import('@/lib/certificates/export-certificate-pfx');
    const { id } = await importCertificate(
      db,
      actor,
      { file: file(buildCert({ subject: 'CN=No Key', slot: 21 }).pem, 'n.cer') },
      now,
    );
    await expect(
      exportCertificatePfx(db, actor, { certificate: id, password: 'long enough password' }),
    ).rejects.toThrow(/does not hold the private key/);
  });
});
