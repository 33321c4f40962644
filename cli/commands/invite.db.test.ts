/**
 * `rekey invite create|list|revoke` through the real binary (bin/rekey.mjs as a child process):
 * exit codes, stdout JSON, one-line stderr, and the database after each command.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db';
import { hashInvitationToken } from '@/lib/invitations/invitation-token';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';

vi.setConfig({ testTimeout: 120_000 });

const root = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(root, 'bin', 'rekey.mjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-invite-'));

function rekey(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...({} as NodeJS.ProcessEnv),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    USER: process.env.USER ?? 'tester',
    REKEY_DATA_DIR: path.join(tmp, 'data'),
    DATABASE_URL: process.env.DATABASE_URL!,
    REKEY_PUBLIC_URL: 'https://rekey.example',
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

let tenant: Awaited<ReturnType<typeof buildTenant>>;
let cert: Awaited<ReturnType<typeof buildCertificate>>;
beforeAll(async () => {
  await seedDefaults(db);
  const type = await buildConnectorType(db, 'Archive');
  tenant = await buildTenant(db, { name: 'Binary Co', connectors: [{ status: 'compromised', typeId: type.id }] });
  cert = await buildCertificate(db, { subject: 'CN=Vendor 2027' });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('rekey invite', () => {
  it('is a usage error (exit 2) without exactly one target kind or without --to', async () => {
    const none = await rekey(['invite', 'create', '--to', cert.id]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give exactly one of --tenant, --connector, --csv, --campaign or --advisory/);
    const noCert = await rekey(['invite', 'create', '--tenant', tenant.entraTenantId]);
    expect(noCert.code).toBe(2);
    expect(noCert.stderr).toMatch(/--to CERT is required/);
    const badExpiry = await rekey([
      'invite',
      'create',
      '--tenant',
      tenant.entraTenantId,
      '--to',
      cert.id,
      '--expires',
      '200d',
    ]);
    expect(badExpiry.code).toBe(2);
    expect(badExpiry.stderr).toMatch(/--expires must be between 1 and 90 days/);
  });

  it('creates links for a tenant by Entra id (--to by thumbprint), lists and revokes them', async () => {
    const created = await rekey([
      'invite',
      'create',
      '--tenant',
      tenant.entraTenantId,
      '--to',
      cert.sha1Thumbprint.toLowerCase(),
      '--email',
      'admin@binary.example',
      '--expires',
      '2w',
      '--json',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const out = JSON.parse(created.stdout) as {
      created: { id: string; link: string; target: string; email: string; expiresAt: string }[];
      skipped: unknown[];
    };
    expect(out.created).toHaveLength(1);
    const inv = out.created[0]!;
    expect(inv).toMatchObject({ target: 'Binary Co / Connector 1', email: 'admin@binary.example' });
    expect(inv.link).toMatch(/^https:\/\/rekey\.example\/invite\/[A-Za-z0-9_-]{43}$/);
    const row = await db.invitation.findUniqueOrThrow({ where: { id: inv.id } });
    expect(row.tokenHash).toBe(hashInvitationToken(inv.link.split('/invite/')[1]!));
    expect(row.certificateId).toBe(cert.id);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(14 * 86_400_000 - 60_000);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'invitation.create', targetId: inv.id } });
    expect(audit.actorLabel).toMatch(/^cli:/);

    // A second create skips the open invitation and says so on stderr.
    const again = await rekey(['invite', 'create', '--tenant', tenant.entraTenantId, '--to', cert.id]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/skipped Binary Co \/ Connector 1: already invited/);

    const list = await rekey(['invite', 'list', '--json']);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { id: string; status: string }[];
    expect(listed.find((r) => r.id === inv.id)?.status).toBe('sent');

    const revoked = await rekey(['invite', 'revoke', inv.id, '--json']);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ id: inv.id, revoked: true });
    expect((await db.invitation.findUniqueOrThrow({ where: { id: inv.id } })).revokedAt).not.toBeNull();
  });

  it('reads a CSV of tenants Rekey does not manage; names a missing certificate (exit 1)', async () => {
    const csv = path.join(tmp, 'customers.csv');
    fs.writeFileSync(csv, 'tenant,email\nnorthwind.onmicrosoft.com,it@northwind.example\n');
    const ok = await rekey(['invite', 'create', '--csv', csv, '--to', cert.id]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^https:\/\/rekey\.example\/invite\/\S{43}\tnorthwind\.onmicrosoft\.com\tit@northwind\.example\texpires \d{4}-\d{2}-\d{2}\n$/,
    );
    const missing = await rekey(['invite', 'create', '--csv', csv, '--to', 'AB'.repeat(20)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Certificate (AB){20} not found/);
  });
});
