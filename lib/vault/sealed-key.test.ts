import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRekeyError, type RekeyError } from '@/lib/errors';
import { generateMasterKey, loadMasterKeyRing, parseMasterKey, type MasterKeyRing } from '@/lib/vault/master-key';
import {
  needsRewrap,
  openSealedKey,
  pkcs8Pem,
  readSealedKeyHeader,
  rewrapSealedKey,
  sealPrivateKey,
} from '@/lib/vault/sealed-key';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { buildCert } from '@/lib/testing/certs';

const certA = buildCert({ subject: 'CN=a' });
const certB = buildCert({ subject: 'CN=b', slot: 1 });
const thumbA = certificateFactsFromDer(certA.der).sha256Thumbprint;
const thumbB = certificateFactsFromDer(certB.der).sha256Thumbprint;
const master1 = generateMasterKey();
const master2 = generateMasterKey();

function thrown(fn: () => unknown): RekeyError {
  try {
    fn();
  } catch (e) {
    if (isRekeyError(e)) return e;
    throw e;
  }
  throw new Error('expected a RekeyError');
}

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'rekey-vault-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Flips one bit of the field at `index` (0-based among the 7 dot-separated fields). */
function tamper(sealed: string, index: number): string {
  const f = sealed.split('.');
  const bytes = Buffer.from(f[index]!, 'base64url');
  bytes[0]! ^= 1;
  f[index] = bytes.toString('base64url');
  return f.join('.');
}

describe('pkcs8Pem', () => {
  it.each([
    ['RSA 2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    ['RSA 3072', () => generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey],
    ['EC P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ['Ed25519', () => generateKeyPairSync('ed25519').privateKey],
  ])('writes %s exactly as node exports it', (_name, make) => {
    const key = make();
    const der = key.export({ type: 'pkcs8', format: 'der' });
    expect(pkcs8Pem(der)).toBe(key.export({ type: 'pkcs8', format: 'pem' }));
  });
});

describe('sealPrivateKey / openSealedKey', () => {
  it('round-trips a private key, bound to its certificate', () => {
    const sealed = sealPrivateKey(certA.keyPem, thumbA, master1);
    expect(sealed).toMatch(/^rkv1\.[\w-]{12}\.[0-9A-F]{64}(\.[\w-]+){4}$/);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(readSealedKeyHeader(sealed)).toEqual({ version: 1, masterKeyId: master1.id, certSha256: thumbA });
    expect(openSealedKey(sealed, thumbA, master1)).toBe(certA.keyPem);
  });

  it('uses a fresh data key and nonce every time', () => {
    expect(sealPrivateKey(certA.keyPem, thumbA, master1)).not.toBe(sealPrivateKey(certA.keyPem, thumbA, master1));
  });

  it.each([
    [
      'the wrong master key',
      (s: string) => openSealedKey(s, thumbA, master2),
      'CONFIG',
      'UNKNOWN_MASTER_KEY',
      /sealed with master key [\w-]{12}, but this server has [\w-]{12}\. Configure the old key in REKEY_MASTER_KEY_PREVIOUS/,
    ],
    [
      'a tampered key ciphertext',
      (s: string) => openSealedKey(tamper(s, 6), thumbA, master1),
      'INTERNAL',
      'TAMPERED',
      /failed its integrity check\. It was altered, corrupted, or moved/,
    ],
    [
      'a tampered key nonce',
      (s: string) => openSealedKey(tamper(s, 5), thumbA, master1),
      'INTERNAL',
      'TAMPERED',
      /failed its integrity check/,
    ],
    [
      'a tampered wrapped data key',
      (s: string) => openSealedKey(tamper(s, 4), thumbA, master1),
      'INTERNAL',
      'TAMPERED',
      /failed its integrity check \(data key\)/,
    ],
    [
      'a row swap (opened for another certificate)',
      (s: string) => openSealedKey(s, thumbB, master1),
      'INTERNAL',
      'WRONG_CERTIFICATE',
      /belongs to certificate [0-9A-F]{64}, not [0-9A-F]{64}\. Refusing/,
    ],
    [
      'an edited thumbprint (AAD mismatch)',
      (s: string) => openSealedKey(s.replace(thumbA, thumbB), thumbB, master1),
      'INTERNAL',
      'TAMPERED',
      /integrity check/,
    ],
    [
      'a ciphertext spliced in from another row',
      (s: string) => {
        const other = sealPrivateKey(certB.keyPem, thumbB, master1).split('.');
        const mine = s.split('.');
        return openSealedKey([...mine.slice(0, 5), other[5], other[6]].join('.'), thumbA, master1);
      },
      'INTERNAL',
      'TAMPERED',
      /integrity check/,
    ],
    [
      'something that is not a sealed key',
      () => openSealedKey('hello', thumbA, master1),
      'INTERNAL',
      'SEALED_FORMAT',
      /not a sealed Rekey key/,
    ],
    [
      'a future format version',
      () => openSealedKey('rkv9.a.b.c.d.e.f', thumbA, master1),
      'INTERNAL',
      'SEALED_FORMAT',
      /"rkv9" is not supported/,
    ],
  ])('refuses %s', (_name, open, code, reason, message) => {
    const sealed = sealPrivateKey(certA.keyPem, thumbA, master1);
    const e = thrown(() => open(sealed));
    expect(e.code).toBe(code);
    expect(e.details?.reason).toBe(reason);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(master1.key.toString('base64'));
  });
});

describe('rewrapSealedKey and the key ring', () => {
  it('moves a key to the new master without touching its ciphertext', () => {
    const sealed = sealPrivateKey(certA.keyPem, thumbA, master1);
    const rewrapped = rewrapSealedKey(sealed, master1, master2);
    expect(readSealedKeyHeader(rewrapped).masterKeyId).toBe(master2.id);
    expect(rewrapped.split('.').slice(5)).toEqual(sealed.split('.').slice(5));
    expect(openSealedKey(rewrapped, thumbA, master2)).toBe(certA.keyPem);
    expect(thrown(() => openSealedKey(rewrapped, thumbA, master1)).details?.reason).toBe('UNKNOWN_MASTER_KEY');
  });

  it('is idempotent, so a rotation can restart', () => {
    const rewrapped = rewrapSealedKey(sealPrivateKey(certA.keyPem, thumbA, master1), master1, master2);
    expect(rewrapSealedKey(rewrapped, master1, master2)).toBe(rewrapped);
  });

  it('opens old and new blobs with a ring during the rotation, and seals with the current master', () => {
    const ring: MasterKeyRing = { current: master2, previous: [master1] };
    const old = sealPrivateKey(certA.keyPem, thumbA, master1);
    const fresh = sealPrivateKey(certB.keyPem, thumbB, ring);
    expect(readSealedKeyHeader(fresh).masterKeyId).toBe(master2.id);
    expect(openSealedKey(old, thumbA, ring)).toBe(certA.keyPem);
    expect(openSealedKey(fresh, thumbB, ring)).toBe(certB.keyPem);
    expect(needsRewrap(old, ring)).toBe(true);
    expect(needsRewrap(rewrapSealedKey(old, ring, ring.current), ring)).toBe(false);
  });

  it('refuses to rewrap with a master that cannot open the blob', () => {
    const sealed = sealPrivateKey(certA.keyPem, thumbA, master1);
    expect(thrown(() => rewrapSealedKey(sealed, master2, generateMasterKey())).details?.reason).toBe(
      'UNKNOWN_MASTER_KEY',
    );
  });
});

describe('loadMasterKeyRing', () => {
  const b64 = master1.key.toString('base64');
  it('reads REKEY_MASTER_KEY and REKEY_MASTER_KEY_PREVIOUS', () => {
    const ring = loadMasterKeyRing({
      env: { REKEY_MASTER_KEY: b64, REKEY_MASTER_KEY_PREVIOUS: `${master2.key.toString('base64')}, ${b64}` },
    });
    expect(ring.current.id).toBe(master1.id);
    expect(ring.previous.map((k) => k.id)).toEqual([master2.id]);
  });

  it.each([
    [
      'too short',
      Buffer.alloc(16).toString('base64'),
      /REKEY_MASTER_KEY decodes to 16 bytes; it must be exactly 32 bytes \(AES-256\)\. Generate one with `openssl rand -base64 32`/,
    ],
    ['not base64', 'this is not base64!', /REKEY_MASTER_KEY is not base64/],
  ])('refuses a master key that is %s', (_name, value, message) => {
    const e = thrown(() => loadMasterKeyRing({ env: { REKEY_MASTER_KEY: value } }));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toMatch(message);
  });

  it('refuses a bad previous key naming which one', () => {
    expect(
      thrown(() => loadMasterKeyRing({ env: { REKEY_MASTER_KEY: b64, REKEY_MASTER_KEY_PREVIOUS: 'abcd' } })).message,
    ).toMatch(/^REKEY_MASTER_KEY_PREVIOUS\[0\] decodes to 3 bytes/);
  });

  it('creates the embedded key file with mode 0600 once and reuses it', () => {
    const file = path.join(tmp(), '.data', 'master.key');
    const first = loadMasterKeyRing({ env: {}, keyFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseMasterKey(readFileSync(file, 'utf8')).id).toBe(first.current.id);
    expect(loadMasterKeyRing({ env: {}, keyFile: file }).current.id).toBe(first.current.id);
  });

  it('refuses a key file other users can read', () => {
    const file = path.join(tmp(), 'master.key');
    writeFileSync(file, `${b64}\n`);
    chmodSync(file, 0o644);
    expect(thrown(() => loadMasterKeyRing({ env: {}, keyFile: file })).message).toMatch(
      /is readable by other users \(mode 644\)\. Run `chmod 600/,
    );
  });

  it('refuses a damaged key file', () => {
    const file = path.join(tmp(), 'master.key');
    writeFileSync(file, 'c2hvcnQ=\n', { mode: 0o600 });
    expect(thrown(() => loadMasterKeyRing({ env: {}, keyFile: file })).message).toMatch(
      /^The master key file .* decodes to 5 bytes/,
    );
  });
});
