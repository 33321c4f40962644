import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RekeyError } from '@/lib/errors';

/**
 * A 256-bit key-encryption key. `id` is derived from the key (first 12 base64url chars of
 * SHA-256("rekey master key id" ‖ key)), so configuration never has to name it and sealed blobs
 * can say which master wrapped them.
 */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** The current master (used to seal and re-wrap) plus older ones still accepted for opening. */
export interface MasterKeyRing {
  current: MasterKey;
  previous: MasterKey[];
}

export const DEFAULT_MASTER_KEY_FILE = '.data/master.key';

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update('rekey master key id\0').update(key).digest('base64url').slice(0, 12);
}

export function masterKeyFromBytes(key: Buffer): MasterKey {
  if (key.length !== 32) throw new RekeyError('CONFIG', `A master key must be exactly 32 bytes; got ${key.length}.`);
  return { id: masterKeyId(key), key: Buffer.from(key) };
}

/** Parses base64 of exactly 32 bytes; `name` is the setting, for the error message. */
export function parseMasterKey(value: string, name = 'REKEY_MASTER_KEY'): MasterKey {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && !/^[A-Za-z0-9_-]+$/.test(trimmed)) {
    throw new RekeyError(
      'CONFIG',
      `${name} is not base64. Set it to 32 random bytes in base64, e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== 32) {
    throw new RekeyError(
      'CONFIG',
      `${name} decodes to ${bytes.length} bytes; it must be exactly 32 bytes (AES-256). Generate one with \`openssl rand -base64 32\`.`,
    );
  }
  return masterKeyFromBytes(bytes);
}

export function generateMasterKey(): MasterKey {
  return masterKeyFromBytes(randomBytes(32));
}

export interface LoadMasterKeyRingOptions {
  env?: Record<string, string | undefined>;
  /** Used when REKEY_MASTER_KEY is not set (embedded default); created with mode 0600 if missing. */
  keyFile?: string;
  /**
   * false: a missing key file is an error, not a reason to make a new key (private keys are
   * already sealed under the old one: lib/vault/check-master-key.ts). Default true.
   */
  create?: boolean;
}

/**
 * Production: REKEY_MASTER_KEY (current) and, during a master-key rotation,
 * REKEY_MASTER_KEY_PREVIOUS (comma-separated older keys still accepted for opening).
 * Embedded default: a key file under .data/ (base64 text), generated on first use, mode 0600.
 * Never logs or returns key bytes in errors.
 */
export function loadMasterKeyRing(opts: LoadMasterKeyRingOptions = {}): MasterKeyRing {
  const env = opts.env ?? process.env;
  const previous = (env.REKEY_MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((v, i) => parseMasterKey(v, `REKEY_MASTER_KEY_PREVIOUS[${i}]`));
  if (env.REKEY_MASTER_KEY !== undefined && env.REKEY_MASTER_KEY !== '') {
    const current = parseMasterKey(env.REKEY_MASTER_KEY);
    return { current, previous: previous.filter((p) => p.id !== current.id) };
  }
  const file = opts.keyFile ?? DEFAULT_MASTER_KEY_FILE;
  const current = readOrCreateKeyFile(file, opts.create ?? true);
  // During a file-mode rotation (`rekey vault rotate-master-key`), older keys wait in <file>.previous.
  const older = readPreviousKeyFile(`${file}.previous`);
  return { current, previous: [...previous, ...older].filter((p) => p.id !== current.id) };
}

function assertPrivate(file: string): void {
  const st = statSync(file);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new RekeyError(
      'CONFIG',
      `The master key file ${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}). Run \`chmod 600 ${file}\` and start again.`,
    );
  }
}

function readPreviousKeyFile(file: string): MasterKey[] {
  try {
    assertPrivate(file);
    return readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l, i) => parseMasterKey(l, `${file} line ${i + 1}`));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * File mode, step 1 of a master-key rotation: the current key moves to <file>.previous and a new
 * key becomes current (atomic rename), so every process can open blobs under either key while
 * they are re-wrapped. Returns the new ring.
 */
export function beginFileKeyRotation(file: string): MasterKeyRing {
  const ring = loadMasterKeyRing({ env: {}, keyFile: file });
  const next = generateMasterKey();
  const prevFile = `${file}.previous`;
  const prevLines = [ring.current, ...ring.previous].map((k) => k.key.toString('base64')).join('\n');
  writeFileSync(prevFile, `${prevLines}\n`, { mode: 0o600 });
  chmodSync(prevFile, 0o600);
  const tmp = `${file}.next`;
  writeFileSync(tmp, `${next.key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return { current: next, previous: [ring.current, ...ring.previous] };
}

/** File mode, last step: once nothing is sealed under an older key, forget the older keys. */
export function finishFileKeyRotation(file: string): void {
  rmSync(`${file}.previous`, { force: true });
}

export class MissingMasterKeyError extends RekeyError {
  constructor(readonly file: string) {
    super(
      'CONFIG',
      `The master key file ${file} does not exist and REKEY_MASTER_KEY is not set; Rekey makes a new master key only at start-up, ` +
        'when no private key is sealed yet. Restore the key from your backup (README: "Master key: backup and recovery").',
      {
        reason: 'missing',
      },
    );
  }
}

function readOrCreateKeyFile(file: string, create: boolean): MasterKey {
  let text: string | undefined;
  try {
    assertPrivate(file);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== undefined) return parseMasterKey(text, `The master key file ${file}`);
  if (!create) throw new MissingMasterKeyError(file);
  const key = generateMasterKey();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite a key another process just wrote.
    writeFileSync(file, `${key.key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      return parseMasterKey(readFileSync(file, 'utf8'), `The master key file ${file}`);
    throw e;
  }
  return key;
}
