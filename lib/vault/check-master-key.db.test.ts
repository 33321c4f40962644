import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { generateKeyPair } from '@/lib/certs/generate-key-pair';
import { buildCertificate } from '@/lib/testing/fleet-builders';
import { assertMasterKeyOpensVault } from '@/lib/vault/check-master-key';
import { generateMasterKey, loadMasterKeyRing } from '@/lib/vault/master-key';
import { sealPrivateKey } from '@/lib/vault/sealed-key';

describe('the master-key check at start', () => {
  it('passes with no sealed keys (and makes no key), then refuses a missing or wrong key once keys are sealed', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-vault-check-'));
    const keyFile = path.join(dataDir, 'master.key');
    const url = process.env.DATABASE_URL!;
    await assertMasterKeyOpensVault(url, { dataDir });
    expect(fs.existsSync(keyFile)).toBe(false);

    const ring = loadMasterKeyRing({ env: {}, keyFile });
    const { privateKeyPem } = await generateKeyPair(2048);
    const cert = await buildCertificate(db);
    await db.certificate.update({
      where: { id: cert.id },
      data: { sealedPrivateKey: sealPrivateKey(privateKeyPem, cert.sha256Thumbprint, ring) },
    });
    await assertMasterKeyOpensVault(url, { dataDir });

    // The key file is lost: refused, naming the file and what to do, and no new key appears.
    fs.renameSync(keyFile, `${keyFile}.bak`);
    await expect(assertMasterKeyOpensVault(url, { dataDir })).rejects.toThrow(
      new RegExp(
        `1 private key\\(s\\) are sealed .* under master key ${ring.current.id}, but the master key file ${keyFile} is missing.*Restore the key file from your backup`,
      ),
    );
    expect(fs.existsSync(keyFile)).toBe(false);

    // Another key: refused, naming both ids.
    const other = generateMasterKey();
    process.env.REKEY_MASTER_KEY = other.key.toString('base64');
    try {
      await expect(
        assertMasterKeyOpensVault(url, { dataDir, REKEY_MASTER_KEY: process.env.REKEY_MASTER_KEY }),
      ).rejects.toThrow(
        new RegExp(
          `configured master key \\(id ${other.id}\\) cannot open 1 of the 1 sealed.*sealed under master key ${ring.current.id}`,
        ),
      );
      // The right key in REKEY_MASTER_KEY opens them.
      process.env.REKEY_MASTER_KEY = ring.current.key.toString('base64');
      await assertMasterKeyOpensVault(url, { dataDir, REKEY_MASTER_KEY: process.env.REKEY_MASTER_KEY });
    } finally {
      delete process.env.REKEY_MASTER_KEY;
    }
    // Restoring the backup is the recovery.
    fs.renameSync(`${keyFile}.bak`, keyFile);
    await assertMasterKeyOpensVault(url, { dataDir });
  });
});
