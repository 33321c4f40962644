import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { beginFileKeyRotation, finishFileKeyRotation, loadMasterKeyRing } from '@/lib/vault/master-key';
import { rewrapAllSealedKeys } from '@/lib/vault/rotate-master-key';
import { openSealedKey, readSealedKeyHeader, sealPrivateKey } from '@/lib/vault/sealed-key';
import { buildCertificate } from '@/lib/testing/fleet-builders';
import { generateKeyPair } from '@/lib/certs/generate-key-pair';

describe('rotating the master key in file mode', () => {
  it('re-wraps every stored key; old and new both open during the rotation; afterwards only the new one is needed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-vault-'));
    const file = path.join(dir, 'master.key');
    const before = loadMasterKeyRing({ env: {}, keyFile: file });
    const { privateKeyPem } = await generateKeyPair(2048);
    const certs = [];
    for (let i = 0; i < 3; i++) {
      const c = await buildCertificate(db);
      const sealed = sealPrivateKey(privateKeyPem, c.sha256Thumbprint, before);
      await db.certificate.update({ where: { id: c.id }, data: { sealedPrivateKey: sealed } });
      certs.push(c);
    }

    const during = beginFileKeyRotation(file);
    expect(during.current.id).not.toBe(before.current.id);
    // A process reading the ring mid-rotation can open blobs sealed under the old key.
    const midRing = loadMasterKeyRing({ env: {}, keyFile: file });
    const first = await db.certificate.findUniqueOrThrow({
      where: { id: certs[0]!.id },
      select: { sealedPrivateKey: true, sha256Thumbprint: true },
    });
    expect(openSealedKey(first.sealedPrivateKey!, first.sha256Thumbprint, midRing)).toBe(privateKeyPem);

    const report = await rewrapAllSealedKeys(db, during, SYSTEM_ACTOR);
    expect(report.certificates).toBe(3);
    finishFileKeyRotation(file);

    const after = loadMasterKeyRing({ env: {}, keyFile: file });
    expect(after.previous).toEqual([]);
    for (const c of certs) {
      const row = await db.certificate.findUniqueOrThrow({
        where: { id: c.id },
        select: { sealedPrivateKey: true, sha256Thumbprint: true },
      });
      expect(readSealedKeyHeader(row.sealedPrivateKey!).masterKeyId).toBe(after.current.id);
      expect(openSealedKey(row.sealedPrivateKey!, row.sha256Thumbprint, after)).toBe(privateKeyPem);
    }
    // Running it again changes nothing.
    expect(await rewrapAllSealedKeys(db, after, SYSTEM_ACTOR)).toMatchObject({ certificates: 0, alreadyCurrent: 3 });
    expect(await db.auditEvent.count({ where: { action: 'vault.rotate_master_key' } })).toBe(2);
  });
});
