/**
 * The secret behind cookie encryption: REKEY_SESSION_SECRET, or — for the embedded default —
 * a random secret generated once into `<dataDir>/session-secret` (mode 0600). Several web
 * instances must share one secret: set REKEY_SESSION_SECRET for those deployments.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '@/lib/env';
import { deriveCookieKey } from '@/lib/auth/cookie-crypto';
import { RekeyError } from '@/lib/errors';

let cachedKey: Buffer | undefined;

/** Reads (or creates with 0600) the generated secret file. Exported for tests. */
export function loadOrCreateSecretFile(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new RekeyError(
        'CONFIG',
        `Cannot read ${file}: ${(e as Error).message}. Set REKEY_SESSION_SECRET (32+ characters) or fix the file's permissions.`,
      );
    }
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(48).toString('base64url');
  try {
    // 'wx': never overwrite a secret another process just wrote.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw new RekeyError(
      'CONFIG',
      `Cannot write ${file}: ${(e as Error).message}. Set REKEY_SESSION_SECRET (32+ characters).`,
    );
  }
}

export function cookieKey(): Buffer {
  if (!cachedKey) {
    const e = env();
    cachedKey = deriveCookieKey(e.REKEY_SESSION_SECRET ?? loadOrCreateSecretFile(e.dataDir));
  }
  return cachedKey;
}
