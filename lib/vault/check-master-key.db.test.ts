import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { generateKeyPair } from '@/lib/certs/generate-key-pair';
import { buildCertificate } from '@/lib/testing/fleet-builders';
import { assertMasterKeyOpensVault } from '@/lib/vault/check-master-key';
import { generateMasterKey, loadMasterKeyRing } from '@/lib/vault/master-key';
import { sealForCertificate } from '@/lib/vault/key-ring';
import { sealPrivateKey } from '@/lib/vault/sealed-key';

describe('the master-key check at start', () => {
  it('makes the key while nothing is sealed, then refuses a missing or wrong key once keys are sealed', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-vault-check-'));
    const keyFile = path.join(dataDir, 'master.key');
    const url = process.env.DATABASE_URL!;
    await assertMasterKeyOpensVault(url, { dataDir });
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

    const ring = loadMasterKeyRing({ env: {}, keyFile, create: false });
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

  it('holds in every process that opens the vault: a worker refuses to start, a running process never makes a new key', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-vault-worker-'));
    const keyFile = path.join(dataDir, 'master.key');
    const ring = loadMasterKeyRing({ env: {}, keyFile });
    const { privateKeyPem } = await generateKeyPair(2048);
    const cert = await buildCertificate(db);
    await db.certificate.update({
      where: { id: cert.id },
      data: { sealedPrivateKey: sealPrivateKey(privateKeyPem, cert.sha256Thumbprint, ring) },
    });
    fs.rmSync(keyFile);

    // `rekey worker`, as npm start's supervisor (re)starts it: exit 1 with the refusal, no key made.
    const root = path.resolve(import.meta.dirname, '..', '..');
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(root, 'bin', 'rekey.mjs'), 'worker'],
        {
          cwd: dataDir,
          timeout: 60_000,
          env: {
            ...({} as NodeJS.ProcessEnv),
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DATABASE_URL: process.env.DATABASE_URL,
            REKEY_DATA_DIR: dataDir,
          },
        },
        (err, _stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }),
      );
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `private key\\(s\\) are sealed .* under master key .*${ring.current.id}.*, but the master key file ${keyFile} is missing`,
      ),
    );
    expect(fs.existsSync(keyFile)).toBe(false);

    // The web app and running workers open the vault through the key ring: the file is gone, so
    // sealing or opening fails, naming what to do, and no new key appears.
    const previous = process.env.REKEY_DATA_DIR;
    process.env.REKEY_DATA_DIR = dataDir;
    resetEnvCache();
    try {
      expect(() => sealForCertificate(privateKeyPem, cert.sha256Thumbprint)).toThrow(
        /master key file .* does not exist .* makes a new master key only at start-up/,
      );
      expect(fs.existsSync(keyFile)).toBe(false);
    } finally {
      process.env.REKEY_DATA_DIR = previous;
      resetEnvCache();
    }
  }, 90_000);
});
