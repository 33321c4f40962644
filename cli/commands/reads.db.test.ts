/**
 * The read commands and certificate intake, in process against this file's database: JSON row
 * shapes, --as narrowing to a user's scope, rotations show/cancel, certificates add (separate key,
 * region only when asked), cert generate --store (nothing on disk), thumbprints of either kind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@/cli/main';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { db } from '@/lib/db';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { buildCert } from '@/lib/testing/certs';
import { buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-reads-'));
afterAll(async () => {
  await closeJobQueues();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const json = async <T>(...argv: string[]): Promise<T> => {
  const r = await run(...argv, '--json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as T;
};

let eu: Awaited<ReturnType<typeof buildTenant>>;
let us: Awaited<ReturnType<typeof buildTenant>>;
beforeAll(async () => {
  const type = await buildConnectorType(db);
  eu = await buildTenant(db, {
    name: 'Reads Eu',
    region: 'EU',
    group: 'emea',
    connectors: [
      { typeId: type.id, status: 'compromised', name: 'Eu Compromised' },
      { typeId: type.id, status: 'healthy', name: 'Eu Healthy' },
    ],
  });
  us = await buildTenant(db, {
    name: 'Reads Us',
    region: 'US',
    connectors: [{ typeId: type.id, status: 'compromised', name: 'Us Compromised' }],
  });
  // A scoped viewer of the EU group only.
  expect((await run('users', 'grant', 'eu-viewer@reads.example', 'viewer', '--group', 'emea')).code).toBe(0);
});

describe('tenants list / connectors list', () => {
  it('print the documented JSON shapes and filter like the dashboard', async () => {
    const tenants = await json<Record<string, unknown>[]>('tenants', 'list', '--search', 'Reads');
    expect(tenants.map((t) => t.displayName)).toEqual(['Reads Eu', 'Reads Us']);
    expect(tenants[0]).toEqual({
      id: eu.id,
      entraTenantId: eu.entraTenantId,
      displayName: 'Reads Eu',
      defaultDomain: 'readseu.onmicrosoft.com',
      region: 'EU',
      group: 'emea',
      consentState: 'consented',
      signInLogState: expect.any(String),
      lastScanAt: null,
      access: 'not_scanned_recently',
      accessReason: 'Never scanned.',
      connectors: 2,
      statusCounts: { targeted: 0, compromised: 1, expired: 0, drift: 0, expiring: 0, stale: 0, healthy: 1 },
      worstStatus: 'compromised',
    });
    const compromised = await json<{ displayName: string; tenant: { id: string } }[]>(
      'connectors',
      'list',
      '--status',
      'compromised',
    );
    expect(compromised.map((c) => c.displayName)).toEqual(['Eu Compromised', 'Us Compromised']);
    const oneTenant = await json<{ displayName: string }[]>('connectors', 'list', '--tenant', eu.entraTenantId);
    expect(oneTenant.map((c) => c.displayName).sort()).toEqual(['Eu Compromised', 'Eu Healthy']);
    const human = await run('connectors', 'list', '--status', 'compromised');
    expect(human.out).toMatch(/^TENANT\s+CONNECTOR\s+STATUS/);
    expect(human.err).toBe('2 connector(s)');
  });

  it('--as narrows to that user’s scope; an unknown user is an error', async () => {
    const scoped = await json<{ tenant: { id: string } }[]>(
      'connectors',
      'list',
      '--status',
      'compromised',
      '--as',
      'eu-viewer@reads.example',
    );
    expect(scoped.map((c) => c.tenant.id)).toEqual([eu.id]);
    const tenants = await json<{ id: string }[]>('tenants', 'list', '--as', 'EU-VIEWER@reads.example');
    expect(tenants.map((t) => t.id)).toEqual([eu.id]);
    const nobody = await run('tenants', 'list', '--as', 'nobody@reads.example');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toBe('error: No active Rekey user "nobody@reads.example" (rekey users list shows them).');
  });

  it('--ndjson streams one object per line; --json with --ndjson is bad usage', async () => {
    const nd = await run('tenants', 'list', '--search', 'Reads', '--ndjson');
    expect(nd.out.split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([eu.id, us.id]);
    expect((await run('tenants', 'list', '--json', '--ndjson')).code).toBe(2);
  });
});

describe('certificates add / cert generate --store / rotate by SHA-256 / rotations', () => {
  const now = Date.now();
  const built = buildCert({
    subject: 'CN=Reads Replacement 2027',
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 300 * 86_400_000),
    slot: 321,
  });

  it('adds a certificate with a separate key file: key sealed, audited as cli:<user>, no region unless asked', async () => {
    const certFile = path.join(dir, 'replacement.cer');
    const keyFile = path.join(dir, 'replacement.key');
    fs.writeFileSync(certFile, built.der);
    fs.writeFileSync(keyFile, built.keyPem);
    const added = await json<Record<string, unknown>>(
      'certificates',
      'add',
      certFile,
      '--key',
      keyFile,
      '--label',
      'R',
    );
    const facts = certificateFactsFromDer(built.der);
    expect(added).toMatchObject({
      ok: true,
      created: true,
      region: null,
      label: 'R',
      sha1Thumbprint: facts.sha1Thumbprint,
      sha256Thumbprint: facts.sha256Thumbprint,
      hasPrivateKey: true,
    });
    const row = await db.certificate.findUniqueOrThrow({
      where: { id: added.id as string },
      select: { sealedPrivateKey: true, region: true },
    });
    expect(row.sealedPrivateKey).not.toBeNull();
    expect(Buffer.from(row.sealedPrivateKey!).toString('latin1')).not.toContain('PRIVATE KEY');
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: 'certificate.import', targetId: added.id as string },
    });
    expect(audit.actorLabel).toBe(`cli:${os.userInfo().username}`);
    expect(audit.clientIp).toBe(`cli:${os.userInfo().username}@${os.hostname()}`);

    // The same file again: the dashboard's message, exit 1.
    const again = await run('certificates', 'add', certFile, '--key', keyFile);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already in the inventory with its private key/);
    // A key that is not the certificate's.
    const other = buildCert({ slot: 322 });
    fs.writeFileSync(path.join(dir, 'other.key'), other.keyPem);
    const mismatch = await run('certificates', 'add', certFile, '--key', path.join(dir, 'other.key'));
    expect(mismatch.code).toBe(1);
    expect(mismatch.err).toMatch(/other\.key is not the private key of .*replacement\.cer \(its public key differs\)/);
  });

  it('cert generate --store keeps the key only in the vault and sets the region only when given', async () => {
    const before = fs.readdirSync(dir).length;
    const stored = await json<{ id: string; region: string | null; sha256Thumbprint: string }>(
      'cert',
      'generate',
      '--subject',
      'CN=Reads Stored 2027',
      '--store',
      '--region',
      'EU',
    );
    expect(stored.region).toBe('EU');
    // The object `certificates add --json` prints (docs/cli.md).
    expect(Object.keys(stored).sort()).toEqual(
      [
        'ok',
        'id',
        'created',
        'subject',
        'label',
        'region',
        'sha1Thumbprint',
        'sha256Thumbprint',
        'notAfter',
        'hasPrivateKey',
      ].sort(),
    );
    expect(fs.readdirSync(dir)).toHaveLength(before);
    expect(fs.readdirSync(process.cwd()).filter((f) => f.includes('reads-stored'))).toEqual([]);
    const listed = await json<{ id: string; hasPrivateKey: boolean; state: string; region: string }[]>(
      'certificates',
      'list',
      '--region',
      'EU',
    );
    expect(listed.find((c) => c.id === stored.id)).toMatchObject({ hasPrivateKey: true, state: 'valid', region: 'EU' });
    expect((await run('cert', 'generate', '--subject', 'CN=x', '--store', '--out', dir)).code).toBe(2);
  });

  it('rotate --to takes a SHA-256 thumbprint in any format; rotations list/show/cancel follow it', async () => {
    const facts = certificateFactsFromDer(built.der);
    const connector = eu.connectors.find((c) => c.displayName === 'Eu Compromised')!;
    const colons = facts.sha256Thumbprint.toLowerCase().match(/../g)!.join(':');
    const started = await json<{ rotation: { id: string; state: string } }>(
      'rotate',
      '--connector',
      connector.id,
      '--to',
      colons,
      '--yes',
    );
    const id = started.rotation.id;
    const list = await json<{ id: string; state: string; connector: { id: string }; startedBy: string }[]>(
      'rotations',
      'list',
      '--state',
      'active',
      '--connector',
      connector.id,
    );
    expect(list).toEqual([
      expect.objectContaining({
        id,
        connector: expect.objectContaining({ id: connector.id }),
        startedBy: `cli:${os.userInfo().username}`,
      }),
    ]);
    const shown = await json<{ rotation: { id: string }; to: { sha1: string } }>('rotations', 'show', id);
    expect(shown).toMatchObject({ rotation: { id }, to: { sha1: facts.sha1Thumbprint } });
    const cancelled = await json<{ rotation: { state: string } }>('rotations', 'cancel', id);
    expect(cancelled.rotation.state).toBe('CANCELLED');
    expect((await run('rotations', 'show', 'not-an-id')).code).toBe(2);
    const missing = await run('rotations', 'show', '00000000-0000-4000-8000-000000000000');
    expect(missing).toMatchObject({ code: 1, err: 'error: Rotation 00000000-0000-4000-8000-000000000000 not found.' });
  });
});
