import { describe, expect, it } from 'vitest';
import { deriveCookieKey, newSessionToken, openCookie, sealCookie, sessionIdFor } from '@/lib/auth/cookie-crypto';

const key = deriveCookieKey('a'.repeat(40));
const other = deriveCookieKey('b'.repeat(40));

describe('cookie sealing', () => {
  it('round-trips a value for the same key and purpose', () => {
    const sealed = sealCookie(key, 'session', 'token-123');
    expect(openCookie(key, 'session', sealed)).toBe('token-123');
  });

  it('never seals the same value to the same text twice (random IV)', () => {
    expect(sealCookie(key, 'session', 'x')).not.toBe(sealCookie(key, 'session', 'x'));
  });

  it('does not reveal the plaintext', () => {
    const sealed = sealCookie(key, 'session', 'plain-token-value');
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('plain-token-value');
  });

  it.each([
    ['another key', () => openCookie(other, 'session', sealCookie(key, 'session', 'v'))],
    ['another purpose', () => openCookie(key, 'signin-flow', sealCookie(key, 'session', 'v'))],
    [
      'a flipped ciphertext bit',
      () => {
        const raw = Buffer.from(sealCookie(key, 'session', 'value'), 'base64url');
        raw[14] = raw[14]! ^ 1;
        return openCookie(key, 'session', raw.toString('base64url'));
      },
    ],
    [
      'a flipped tag bit',
      () => {
        const raw = Buffer.from(sealCookie(key, 'session', 'value'), 'base64url');
        raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
        return openCookie(key, 'session', raw.toString('base64url'));
      },
    ],
    ['a truncated value', () => openCookie(key, 'session', sealCookie(key, 'session', 'value').slice(0, 20))],
    [
      'an unknown version byte',
      () => {
        const raw = Buffer.from(sealCookie(key, 'session', 'value'), 'base64url');
        raw[0] = 2;
        return openCookie(key, 'session', raw.toString('base64url'));
      },
    ],
    ['non-base64url text', () => openCookie(key, 'session', 'not a cookie!')],
    ['an empty value', () => openCookie(key, 'session', '')],
    ['undefined', () => openCookie(key, 'session', undefined)],
    ['an oversized value', () => openCookie(key, 'session', 'A'.repeat(9000))],
  ])('rejects %s', (_name, open) => {
    expect(open()).toBeNull();
  });

  it('derives a 32-byte key that depends on the secret', () => {
    expect(key).toHaveLength(32);
    expect(key.equals(other)).toBe(false);
    expect(deriveCookieKey('a'.repeat(40)).equals(key)).toBe(true);
  });

  it('makes 256-bit tokens and stores only their SHA-256', () => {
    const t = newSessionToken();
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    expect(sessionIdFor(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionIdFor(t)).not.toContain(t);
  });
});
