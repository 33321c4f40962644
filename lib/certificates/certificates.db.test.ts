import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import type { Principal } from '@/lib/auth/principal';
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
import { exportCertificatePfx } from '@/lib/certificates/export-certificate-pfx';
import { getCertificate, listCertificates } from '@/lib/certificates/list-certificates';
import {
  browseCertificates,
  downloadPublicCertificate,
  viewCertificate,
  viewCertificateRequest,
} from '@/lib/certificates/view-certificates';
import { db } from '@/lib/db';
import { buildCert, buildPfx } from '@/lib/testing/certs';
import { openForCertificate } from '@/lib/vault/key-ring';

const now = new Date('2026-06-01T00:00:00Z');
const actor = { id: null, label: 'tester' };
/** A trusted caller (the CLI on the server, the demo seed): no principal. */
const ctx = { db, actor, now };
const principal = (role: 'viewer' | 'operator' | 'admin', allTenants = true): Principal => ({
  userId: crypto.randomUUID(),
  email: `${role}@example.test`,
  name: role,
  roles: [{ role, allTenants, tenantIds: [], groups: [] }],
});
const as = (p: Principal) => ({ ...ctx, actor: { id: null, label: p.email }, principal: p });
const file = (data: Buffer | string, name: string) =>
  new File([typeof data === 'string' ? Buffer.from(data) : new Uint8Array(data)], name);
const count = () => db.certificate.count();
const audits = () => db.auditEvent.count();

describe('importing certificates', () => {
  it('shows the facts and every check before saving, and saves nothing on inspect', async () => {
    const cert = buildCert({ subject: 'CN=Inspect Me', slot: 11 });
    const before = await count();
    const r = await inspectCertificate(ctx, { file: file(cert.pem, 'vendor.cer') });
    expect(r).toMatchObject({ filename: 'vendor.cer', hasPrivateKey: false, existing: null, validation: { ok: true } });
    expect(r.leaf.subject).toBe('CN=Inspect Me');
    expect(await count()).toBe(before);
  });

  it('stores a PFX with its private key sealed, readable only through the vault', async () => {
    const cert = buildCert({ subject: 'CN=With Key', slot: 12 });
    const pfx = buildPfx({ cert, password: 'correct horse', algorithm: 'aes256' });
    const { id, created } = await importCertificate(ctx, {
      file: file(pfx, 'vendor.pfx'),
      password: 'correct horse',
      region: 'EU',
    });
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
    await expect(importCertificate(ctx, input())).rejects.toThrow(message);
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
    await expect(inspectCertificate(ctx, { file: file(pfx, 'v.pfx'), password: 'wrong' })).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
      details: { fieldErrors: { password: [expect.stringContaining('v.pfx')] } },
    });
    await expect(inspectCertificate(ctx, { file: file('not a certificate', 'notes.txt') })).rejects.toMatchObject({
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
    await expect(importCertificate(ctx, { file: file(cert.pem, 'nul.cer') })).rejects.toMatchObject({
      code: 'INVALID_CERTIFICATE',
      details: { fieldErrors: { file: [expect.stringMatching(/subject contains a NUL character/)] } },
    });
    expect(await count()).toBe(before);
  });

  it('refuses a duplicate, but attaches a private key to a certificate known without one', async () => {
    const cert = buildCert({ subject: 'CN=Twice', slot: 17 });
    const first = await importCertificate(ctx, { file: file(cert.pem, 'a.cer') });
    await expect(importCertificate(ctx, { file: file(cert.pem, 'a.cer') })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const withKey = await importCertificate(ctx, {
      file: file(buildPfx({ cert, password: 'pw-123456' }), 'a.pfx'),
      password: 'pw-123456',
    });
    expect(withKey).toEqual({ id: first.id, created: false });
    expect((await getCertificate(db, first.id))?.hasPrivateKey).toBe(true);
  });
});

describe('generating certificates', () => {
  it('generates a self-signed certificate whose sealed key matches it', async () => {
    const { id } = await generateCertificate(
      { db, actor: SYSTEM_ACTOR, now },
      { subject: 'CN=Litware Connect 2027, O=Litware', days: 365, keySize: 2048 },
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

  it('refuses a viewer: nothing generated, nothing audited', async () => {
    const [c, a] = [await count(), await audits()];
    await expect(
      generateCertificate(as(principal('viewer')), { subject: 'CN=Viewer Made', days: 30, keySize: 2048 }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      createCertificateRequest(as(principal('viewer')), { subject: 'CN=Viewer CSR', keySize: 2048 }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect([await count(), await audits()]).toEqual([c, a]);
  });
});

/** Signs the pending request's public key with a test CA key, as the vendor's CA would. */
async function issueFor(requestId: string, subject: string) {
  const { createPublicKey, X509Certificate } = await import('node:crypto');
  const { signCertificate } = await import('@/lib/certs/sign-certificate');
  const req = await db.certificateRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: { sealedPrivateKey: true, publicKeySha256: true },
  });
  const keyPem = openForCertificate(req.sealedPrivateKey, req.publicKeySha256);
  const ca = buildCert({ subject: 'CN=Vendor CA', slot: 19, isCA: true });
  const der = signCertificate({
    subject,
    publicKey: createPublicKey(keyPem),
    signingKey: ca.key,
    notBefore: new Date('2026-01-01'),
    notAfter: new Date('2027-01-01'),
  });
  return { pem: new X509Certificate(der).toString(), der };
}

describe('the CSR round trip', () => {
  it('creates a CSR, refuses a certificate for another key on the file field writing nothing, then imports the issued one with its key', async () => {
    const op = as(principal('operator'));
    const { id, csrPem } = await createCertificateRequest(op, { subject: 'CN=From CSR', keySize: 2048 });
    expect(csrPem).toMatch(/BEGIN CERTIFICATE REQUEST/);
    expect(await viewCertificateRequest(as(principal('viewer')), { id })).toMatchObject({
      subject: 'CN=From CSR',
      completedAt: null,
      mayComplete: false,
    });

    const stranger = buildCert({ slot: 18 });
    const [c, a] = [await count(), await audits()];
    await expect(
      completeCertificateRequest(op, { requestId: id, file: file(stranger.pem, 'wrong.cer') }),
    ).rejects.toMatchObject({
      code: 'INVALID_CERTIFICATE',
      details: { fieldErrors: { file: [expect.stringMatching(/wrong\.cer.*issued for a different key/)] } },
    });
    expect([await count(), await audits()]).toEqual([c, a]);
    expect((await db.certificateRequest.findUniqueOrThrow({ where: { id } })).completedAt).toBeNull();

    // A viewer may not complete it.
    const issued = await issueFor(id, 'CN=From CSR');
    await expect(
      completeCertificateRequest(as(principal('viewer')), { requestId: id, file: file(issued.pem, 'issued.cer') }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });

    // DER works as well as PEM.
    const done = await completeCertificateRequest(op, { requestId: id, file: file(issued.der, 'issued.cer') });
    const view = await viewCertificate(op, { id: done.id });
    expect(view).toMatchObject({ state: 'valid', certificate: { hasPrivateKey: true, source: 'issued' } });
    expect(
      await db.auditEvent.findFirst({ where: { action: 'certificate.request_complete', targetId: done.id } }),
    ).not.toBeNull();
    expect((await viewCertificateRequest(op, { id }))?.certificateId).toBe(done.id);
    await expect(
      completeCertificateRequest(op, { requestId: id, file: file(issued.pem, 'issued.cer') }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('the inventory list', () => {
  it('flags certificates listed in an advisory and counts their connectors', async () => {
    const cert = buildCert({ subject: 'CN=Listed Compromised', slot: 20 });
    const { id } = await importCertificate(ctx, { file: file(cert.pem, 'c.cer') });
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

describe('the certificate pages’ reads', () => {
  it('carry no key material, name what the user may do, and serve only the public certificate', async () => {
    const { id } = await generateCertificate(ctx, { subject: 'CN=Page View', days: 90, keySize: 2048 });
    const row = await db.certificate.findUniqueOrThrow({
      where: { id },
      select: { sealedPrivateKey: true, sha256Thumbprint: true, sha1Thumbprint: true },
    });
    const keyPem = openForCertificate(row.sealedPrivateKey!, row.sha256Thumbprint);
    const keyBody = keyPem.split('\n').slice(1, -2).join('');
    const admin = await viewCertificate(as(principal('admin')), { id });
    const operator = await viewCertificate(as(principal('operator')), { id });
    expect(admin).toMatchObject({ mayExport: true, exportConfirm: row.sha1Thumbprint.slice(0, 8) });
    expect(operator).toMatchObject({ mayExport: false, mayDesignate: false });
    // A scoped admin grant acts as operator: no export.
    expect(await viewCertificate(as(principal('admin', false)), { id })).toMatchObject({ mayExport: false });
    for (const v of [admin, operator, await browseCertificates(ctx, { q: 'Page View' })]) {
      const text = JSON.stringify(v);
      expect(text).not.toContain('rkv1.');
      expect(text).not.toContain(keyBody.slice(40, 104));
    }
    const pem = await downloadPublicCertificate(as(principal('viewer')), { id, format: 'pem' });
    expect(pem.body.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(pem.body.toString()).not.toContain('PRIVATE KEY');
    expect(await viewCertificate(ctx, { id: 'not-a-uuid' })).toBeNull();
  });
});

describe('exporting a PFX (the dashboard and `rekey cert export`)', { timeout: 120_000 }, () => {
  const strong = 'Kettle orbit lantern 42';

  async function withKey(subject: string) {
    const { id } = await generateCertificate(ctx, { subject, days: 30, keySize: 2048 });
    return db.certificate.findUniqueOrThrow({ where: { id }, select: { id: true, sha1Thumbprint: true } });
  }
  const exports = (id: string) => db.auditEvent.count({ where: { action: 'certificate.export_pfx', targetId: id } });

  it('gives an admin an AES-256 PFX that opens with the password to the same certificate and key, audited without the password', async () => {
    const { parseCertificateInput } = await import('@/lib/certs/parse-certificate-input');
    const row = await withKey('CN=Export Me');
    const out = await exportCertificatePfx(as(principal('admin')), {
      certificate: row.id,
      password: strong,
      confirmText: row.sha1Thumbprint.slice(0, 8).toLowerCase(),
    });
    expect(out).toMatchObject({ id: row.id, sha1Thumbprint: row.sha1Thumbprint });
    expect(out.filename).toBe(`certificate-${row.sha1Thumbprint.slice(0, 12).toLowerCase()}.pfx`);
    const back = parseCertificateInput({ data: out.pfx, filename: 'x.pfx', password: strong });
    expect(back.leaf.sha1Thumbprint).toBe(row.sha1Thumbprint);
    expect(back.privateKey).toBeDefined();
    const sealed = await db.certificate.findUniqueOrThrow({
      where: { id: row.id },
      select: { sealedPrivateKey: true, sha256Thumbprint: true },
    });
    expect(back.privateKey!.pem).toBe(openForCertificate(sealed.sealedPrivateKey!, sealed.sha256Thumbprint));
    expect(() => parseCertificateInput({ data: out.pfx, filename: 'x.pfx', password: 'wrong password' })).toThrow();
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: 'certificate.export_pfx', targetId: row.id },
    });
    expect(audit.actorLabel).toBe('admin@example.test');
    expect(JSON.stringify({ ...audit, seq: String(audit.seq) })).not.toContain(strong);
    // The CLI on the server (no principal) uses the same use case by thumbprint.
    const cli = await exportCertificatePfx(ctx, { certificate: row.sha1Thumbprint, password: strong });
    expect(cli.sha1Thumbprint).toBe(row.sha1Thumbprint);
    expect(await exports(row.id)).toBe(2);
  });

  it.each([
    ['an operator', () => as(principal('operator')), 'FORBIDDEN', /needs the Admin role/],
    ['a viewer', () => as(principal('viewer')), 'FORBIDDEN', /needs the Admin role/],
    ['a scoped admin grant', () => as(principal('admin', false)), 'FORBIDDEN', /needs the Admin role/],
  ])('refuses %s: no PFX, no audit row', async (_n, who, code, message) => {
    const row = await withKey(`CN=Refused ${code} ${Math.random()}`);
    const a = await audits();
    await expect(
      exportCertificatePfx(who(), {
        certificate: row.id,
        password: strong,
        confirmText: row.sha1Thumbprint.slice(0, 8),
      }),
    ).rejects.toThrow(message);
    expect(await audits()).toBe(a);
  });

  it('refuses a wrong typed confirmation and a weak password on their fields, writing nothing', async () => {
    const row = await withKey('CN=Careful Export');
    const admin = as(principal('admin'));
    const a = await audits();
    await expect(
      exportCertificatePfx(admin, { certificate: row.id, password: strong, confirmText: 'DEADBEEF' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', details: { fieldErrors: { confirmText: [expect.any(String)] } } });
    for (const weak of ['short', 'password1234', 'aaaaaaaaaaaaaaaa']) {
      await expect(
        exportCertificatePfx(admin, {
          certificate: row.id,
          password: weak,
          confirmText: row.sha1Thumbprint.slice(0, 8),
        }),
      ).rejects.toMatchObject({ code: 'BAD_INPUT', details: { fieldErrors: { password: [expect.any(String)] } } });
    }
    expect(await audits()).toBe(a);
  });

  it('refuses a certificate whose key Rekey does not hold', async () => {
    const { id } = await importCertificate(ctx, {
      file: file(buildCert({ subject: 'CN=No Key', slot: 21 }).pem, 'n.cer'),
    });
    const a = await audits();
    await expect(exportCertificatePfx(as(principal('admin')), { certificate: id, password: strong })).rejects.toThrow(
      /does not hold the private key/,
    );
    expect(await audits()).toBe(a);
    expect(await viewCertificate(as(principal('admin')), { id })).toMatchObject({ mayExport: false });
  });
});
